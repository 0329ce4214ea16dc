namespace SpamTrace.Forensics;

/// <summary>What judging one origin may look at besides its own stats: the server's domains, its peers, the log window.</summary>
internal sealed record JudgeContext(DiagnoseObserver Observer, DomainKnowledge Domains, Detector.Population Population,
    DateTime First, DateTime Last, DateTime BinStart, TimeSpan BinWidth, int Bins)
{
    /// <summary>All outbound origins' recipients outside our domains.</summary>
    public long ExternalTotal { get; init; }
    /// <summary>Recipients outside our domains relayed by unauthenticated Internet clients (not trusted hosts), all together.</summary>
    public long InternetRelayTotal { get; init; }
    /// <summary>Unauthenticated Internet clients that wrote only to our domains, by origin key ("relay:IP"): inbound mail.</summary>
    public Dictionary<string, OriginStats> InboundClients { get; init; } = [];

    /// <summary>Distinct domains of an origin's recipients outside ours.</summary>
    public int ExternalDomains(OriginStats s) =>
        s.Tally.Domains.Count(d => !Domains.IsOurs(d.Domain)) + (s.Tally.Overflow > 0 ? 1 : 0);

    /// <summary>Distinct recipient addresses outside our domains (counted up to the tally's cap).</summary>
    public int ExternalAddresses(OriginStats s) => s.Tally.Domains.Where(d => !Domains.IsOurs(d.Domain)).Sum(d => d.Distinct);
}

/// <summary>What the kind's model found, beyond points: the wording of the verdict, the domains concerned.</summary>
internal sealed record Finding(string? CulpritVerdict = null, string? NeutralVerdict = null)
{
    public IReadOnlyList<string> TargetDomains { get; init; } = [];
}
