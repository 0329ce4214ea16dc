using System.Net;

namespace SpamTrace.Dns.Resolving;

/// <summary>How the real resolver asks: which servers (none: those of /etc/resolv.conf), how long, how often.</summary>
public sealed record DnsResolverOptions
{
    public IReadOnlyList<IPEndPoint> Servers { get; init; } = [];

    /// <summary>Per attempt; a check of one domain and two addresses should finish in about a second.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    public int Retries { get; init; } = 1;

    /// <summary>Queries in flight at once: blocklists and SPF includes are asked in parallel, within this bound.</summary>
    public int Parallelism { get; init; } = 32;
}
