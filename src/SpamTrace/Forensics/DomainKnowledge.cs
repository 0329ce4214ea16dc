using SpamTrace.ServerKnowledge;

namespace SpamTrace.Forensics;

/// <summary>
/// Our own domains, from the configuration when it was read and from the log: local and virtual deliveries,
/// smtpd's "User unknown in relay/virtual/local recipient table", the domains of SASL logins, and relay domains
/// recognised by their inbound shape (see <see cref="LearnInbound"/>). Mail to these from the Internet is inbound
/// whatever the next hop; only recipients outside them are outbound.
/// </summary>
public sealed class DomainKnowledge
{
    /// <summary>More relay domains than this recognised by shape alone is not a gateway but a spam run: none is taken.</summary>
    internal const int MaxLearnedByShape = 5;

    private readonly DiagnoseObserver _o;
    private readonly Dictionary<string, string> _learned = new(StringComparer.OrdinalIgnoreCase);

    public DomainKnowledge(DiagnoseObserver o)
    {
        _o = o;
        foreach (var d in o.OurDomains.Items)
        {
            if (d.Length > 0 && !o.Server.IsOwnDomain(d))
            {
                _learned.TryAdd(d, "the log (deliveries, recipient tables, logins)");
            }
        }
        LearnInbound();
    }

    public ServerFacts Server => _o.Server;

    /// <summary>Every domain known as ours, with where that came from.</summary>
    public IReadOnlyDictionary<string, string> Sources
    {
        get
        {
            var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (d, p) in _o.Server.Domains)
            {
                all[d] = p;
            }
            foreach (var (d, s) in _learned)
            {
                all.TryAdd(d, s);
            }
            return all;
        }
    }

    public List<string> Notes { get; } = [];

    public bool IsOurs(string domain) => domain.Length > 0 && (_o.Server.IsOwnDomain(domain) || _learned.ContainsKey(domain));

    /// <summary>Whether an unauthenticated client is a trusted host (mynetworks when read, else the host and private ranges).</summary>
    public bool IsTrustedClient(string ip) => _o.Server.IsTrustedClient(ip) ?? AddressText.IsPrivateOrLocal(ip);

    /// <summary>
    /// A relay domain without a recipient table shows no rejects: it is recognised by how Internet mail reaches it.
    /// Internet clients that write only to it (every recipient of theirs outside our known domains is in it), from
    /// several clients or several sender domains that are not it (or one client whose every recipient there the next hop
    /// refused as unknown: a dictionary attack on a hosted domain's backend), not a free-mail domain, and never refused by the
    /// server as "Relay access denied". An open relay's spammers write to many domains each, so they teach nothing;
    /// when more than a handful of domains qualify, the shape is a spam run and none is taken.
    /// </summary>
    private void LearnInbound()
    {
        var candidates = new Dictionary<string, (HashSet<string> Clients, HashSet<string> SenderDomains, bool Disqualified, long Recipients, long Unknown)>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in _o.Origins.Values)
        {
            if (s.Id.Kind != CulpritKind.Relay || s.Id.IsOtherClients || IsTrustedClient(s.Id.Key))
            {
                continue;
            }
            var foreign = s.Tally.Domains.Select(d => d.Domain).Where(d => !IsOurs(d)).Take(2).ToList();
            if (foreign.Count != 1 || s.Tally.Overflow > 0)
            {
                continue;
            }
            var domain = foreign[0];
            if (!candidates.TryGetValue(domain, out var c))
            {
                candidates[domain] = c = (new HashSet<string>(StringComparer.OrdinalIgnoreCase), new HashSet<string>(StringComparer.OrdinalIgnoreCase), false, 0, 0);
            }
            c.Clients.Add(s.Id.Key);
            c.Recipients += s.RemoteRecipients;
            c.Unknown += s.UnknownRecipients;
            foreach (var sender in s.Senders.Items)
            {
                var sd = DomainOf(sender);
                if (string.Equals(sd, domain, StringComparison.OrdinalIgnoreCase))
                {
                    c.Disqualified = true; // mail from the domain to itself through us: not Internet mail for a hosted domain
                }
                else if (sd.Length > 0)
                {
                    c.SenderDomains.Add(sd);
                }
            }
            candidates[domain] = c;
        }
        var qualified = candidates
            .Where(p => !p.Value.Disqualified && (p.Value.Clients.Count >= 2 || p.Value.SenderDomains.Count >= 2 || AllUnknown(p.Value.Recipients, p.Value.Unknown))
                && !FreeMailDomains.Contains(p.Key) && !_o.ForeignDomains.Contains(p.Key) && p.Key.Contains('.'))
            .Select(p => p.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (qualified.Count > MaxLearnedByShape)
        {
            Notes.Add($"{qualified.Count} domains receive unauthenticated mail from Internet clients that write to nothing else: too many for relay domains of this server, so none is taken as ours (give --config-dir or -c to say which are).");
            return;
        }
        foreach (var d in qualified)
        {
            _learned.TryAdd(d, "the log (Internet mail addressed to it alone: a relay domain)");
        }
    }

    /// <summary>Every recipient refused as unknown by the next hop, three or more: a dictionary attack on a hosted domain's backend.</summary>
    private static bool AllUnknown(long recipients, long unknown) => recipients >= 3 && unknown >= recipients;

    internal static string DomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? "" : address[(at + 1)..].TrimEnd('>', '.').ToLowerInvariant();
    }

    /// <summary>Sets each origin's recipients in our domains: they are not outbound.</summary>
    public void Apply()
    {
        foreach (var s in _o.Origins.Values)
        {
            long internalRecipients = 0;
            foreach (var (d, n, _) in s.Tally.Domains)
            {
                if (IsOurs(d))
                {
                    internalRecipients += n;
                }
            }
            s.InternalRecipients = Math.Min(internalRecipients, s.RemoteRecipients);
        }
    }
}
