using SpamTrace.Queue;

namespace SpamTrace.Containment;

/// <summary>
/// Which queued messages to act on. Values of one kind are alternatives (alice OR bob); kinds combine (alice's
/// mail AND to yahoo.com). At least one kind must name an origin (login, sender, uid, client, queue IDs):
/// recipient domain and age alone would catch every customer's mail and are refused.
/// </summary>
public sealed class QueueSelector
{
    public List<string> SaslUsers { get; init; } = [];
    /// <summary>Exact addresses, "@domain" for a whole sender domain, or "&lt;&gt;" for the null sender (bounces).</summary>
    public List<string> Senders { get; init; } = [];
    public List<int> Uids { get; init; } = [];
    public List<string> Clients { get; init; } = [];
    public List<string> RecipientDomains { get; init; } = [];
    public DateTimeOffset? Since { get; init; }
    public HashSet<string>? QueueIds { get; init; }

    /// <summary>Login, uid and client are only in the queue files: every candidate is read with postcat.</summary>
    public bool NeedsQueueFiles => SaslUsers.Count > 0 || Uids.Count > 0 || Clients.Count > 0;

    public bool NamesAnOrigin => SaslUsers.Count > 0 || Senders.Count > 0 || Uids.Count > 0 || Clients.Count > 0 || QueueIds is { Count: > 0 };

    /// <summary>Refuses empty, ambiguous or malformed selectors before anything is listed.</summary>
    public void Validate()
    {
        if (QueueIds is { Count: 0 })
        {
            throw new ContainmentException("the queue ID list is empty");
        }
        if (!NamesAnOrigin)
        {
            throw new ContainmentException(RecipientDomains.Count > 0 || Since is not null
                ? "refusing: --recipient-domain and --since only narrow a selection; name who sent the mail (--sasl-user, --sender, --uid, --client or --queue-ids)"
                : "refusing: empty selector; name who sent the mail (--sasl-user, --sender, --uid, --client, --queue-ids or --from-diagnose)");
        }
        foreach (var user in SaslUsers)
        {
            RequireToken(user, "--sasl-user");
        }
        foreach (var sender in Senders)
        {
            if (sender == "<>") { continue; }
            RequireToken(sender, "--sender");
            var at = sender.LastIndexOf('@');
            if (at < 0 || at == sender.Length - 1)
            {
                throw new ContainmentException($"--sender '{sender}': give a full address, @domain, or <> for bounces");
            }
        }
        foreach (var client in Clients)
        {
            if (!System.Net.IPAddress.TryParse(client, out _))
            {
                throw new ContainmentException($"--client '{client}': not an IP address");
            }
        }
        foreach (var domain in RecipientDomains)
        {
            RequireToken(domain, "--recipient-domain");
            if (domain.Contains('@') || !domain.Contains('.'))
            {
                throw new ContainmentException($"--recipient-domain '{domain}': give a domain such as yahoo.com");
            }
        }
        foreach (var id in QueueIds ?? [])
        {
            if (!PostfixInstance.IsQueueId(id))
            {
                throw new ContainmentException($"'{id}' is not a Postfix queue ID");
            }
        }
    }

    /// <summary>Wildcards and whitespace are refused: a pattern that matches more than the admin meant is how customers' mail gets deleted.</summary>
    private static void RequireToken(string value, string option)
    {
        if (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '*' or '?' or '%' or '[' or ']' or ','))
        {
            throw new ContainmentException($"{option} '{value}': empty or contains wildcards/whitespace; give the exact value");
        }
    }

    /// <summary>What can be decided from the listing alone (no queue file): sender, recipients, age, ID.</summary>
    public bool MatchesListing(QueuedMessage message)
    {
        if (QueueIds is not null && !QueueIds.Contains(message.QueueId)) { return false; }
        if (Since is { } since && message.ArrivalTime < since) { return false; }
        if (Senders.Count > 0 && !Senders.Any(s => SenderMatches(s, message.Sender))) { return false; }
        if (RecipientDomains.Count > 0 && !AllRecipientsIn(message)) { return false; }
        return true;
    }

    /// <summary>Some recipients in the selected domains, others not: holding the message would hold the others too.</summary>
    public bool IsMixedRecipients(QueuedMessage message) =>
        RecipientDomains.Count > 0 && !AllRecipientsIn(message)
        && message.Recipients.Any(r => RecipientDomains.Contains(QueuedMessage.DomainOf(r.Address), StringComparer.OrdinalIgnoreCase));

    public bool MatchesQueueFile(QueueFileAttributes file)
    {
        if (SaslUsers.Count > 0 && (file.SaslUsername is null || !SaslUsers.Contains(file.SaslUsername, StringComparer.Ordinal))) { return false; }
        if (Uids.Count > 0 && (file.Uid is not { } uid || !Uids.Contains(uid))) { return false; }
        if (Clients.Count > 0 && (file.ClientAddress is null || !Clients.Any(c => SameAddress(c, file.ClientAddress)))) { return false; }
        return true;
    }

    private bool AllRecipientsIn(QueuedMessage message) =>
        message.Recipients.Count > 0
        && message.Recipients.All(r => RecipientDomains.Contains(QueuedMessage.DomainOf(r.Address), StringComparer.OrdinalIgnoreCase));

    private static bool SenderMatches(string pattern, string sender)
    {
        if (pattern == "<>") { return sender.Length == 0; }
        if (pattern.StartsWith('@')) { return sender.EndsWith(pattern, StringComparison.OrdinalIgnoreCase); }
        return string.Equals(pattern, sender, StringComparison.OrdinalIgnoreCase);
    }

    private static bool SameAddress(string a, string b) =>
        System.Net.IPAddress.TryParse(a, out var x) && System.Net.IPAddress.TryParse(b, out var y) ? x.Equals(y) : a == b;

    public string Describe()
    {
        var parts = new List<string>();
        if (SaslUsers.Count > 0) { parts.Add("SASL user " + string.Join(" or ", SaslUsers)); }
        if (Senders.Count > 0) { parts.Add("sender " + string.Join(" or ", Senders)); }
        if (Uids.Count > 0) { parts.Add("uid " + string.Join(" or ", Uids)); }
        if (Clients.Count > 0) { parts.Add("client " + string.Join(" or ", Clients)); }
        if (RecipientDomains.Count > 0) { parts.Add("all recipients in " + string.Join(" or ", RecipientDomains)); }
        if (Since is { } since) { parts.Add($"arrived since {since:yyyy-MM-dd HH:mm:ss zzz}"); }
        if (QueueIds is { } ids) { parts.Add($"one of {ids.Count} listed queue IDs"); }
        return string.Join(", ", parts);
    }
}
