namespace SpamTrace.Bounces.Verdict;

/// <summary>
/// The names our server goes by and the queue IDs it logged. Without names given, the host that received the
/// bounce itself (the "by" of the bounce's newest Received header) is taken as ours: it is where the mailbox lives.
/// </summary>
public sealed class OurServer(IEnumerable<string> hostnames, IReadOnlySet<string>? queueIds = null, IEnumerable<string>? domains = null)
{
    private readonly HashSet<string> _hosts = new(hostnames.Select(h => h.Trim().TrimEnd('.').ToLowerInvariant()).Where(h => h.Length > 0), StringComparer.OrdinalIgnoreCase);

    private readonly HashSet<string> _domains = new((domains ?? []).Select(d => d.Trim().TrimEnd('.').ToLowerInvariant()).Where(d => d.Length > 0), StringComparer.OrdinalIgnoreCase);

    public bool HasNames => _hosts.Count > 0;

    /// <summary>True when the address is in a domain we receive mail for (mydestination, relay_domains, virtual domains).</summary>
    public bool ReceivesFor(string address)
    {
        var at = address.LastIndexOf('@');
        return at >= 0 && _domains.Contains(address[(at + 1)..].TrimEnd('.'));
    }

    public IReadOnlySet<string>? QueueIds { get; } = queueIds;

    public bool IsOurs(string? host) => host is not null && _hosts.Contains(host.TrimEnd('.'));
}
