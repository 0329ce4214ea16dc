namespace SpamTrace.Forensics;

/// <summary>
/// One origin's recipients by domain (how many, how many distinct addresses) and its distinct addresses, bounded.
/// Which domains are ours is only known at the end of the log, so everything is kept per domain and sorted out then.
/// Addresses are kept as hash codes: holding every recipient string alive made the collector copy them.
/// </summary>
public sealed class RecipientTally
{
    private const int DomainCap = 20_000;
    private const int AddressCap = 10_000;

    private sealed class PerDomain
    {
        public long Recipients;
        public int Distinct;
    }

    private Dictionary<string, PerDomain>? _domains;
    private HashSet<int>? _addresses;
    private string? _lastDomain;
    private PerDomain? _last;

    /// <summary>Recipients in domains beyond the cap (counted as outside ours).</summary>
    public long Overflow { get; private set; }
    public bool AddressesSaturated { get; private set; }
    public int DistinctAddresses => _addresses?.Count ?? 0;
    public int DomainCount => (_domains?.Count ?? 0) + (Overflow > 0 ? 1 : 0);

    /// <summary>Domain, recipients, distinct addresses (distinct counted up to the address cap).</summary>
    public IEnumerable<(string Domain, long Recipients, int Distinct)> Domains =>
        _domains is null ? [] : _domains.Select(p => (p.Key, p.Value.Recipients, p.Value.Distinct));

    /// <param name="domain">Lower case, as <see cref="DomainInterner"/> hands it out (the same instance each time).</param>
    /// <param name="address">The recipient address.</param>
    public void Add(string domain, string address)
    {
        var count = ReferenceEquals(domain, _lastDomain) ? _last : Find(domain);
        if (count is null)
        {
            Overflow++;
            return;
        }
        count.Recipients++;
        var addresses = _addresses ??= [];
        if (addresses.Count < AddressCap)
        {
            if (addresses.Add(string.GetHashCode(address, StringComparison.OrdinalIgnoreCase)))
            {
                count.Distinct++;
            }
        }
        else
        {
            AddressesSaturated = true;
        }
    }

    private PerDomain? Find(string domain)
    {
        var domains = _domains ??= new Dictionary<string, PerDomain>(StringComparer.Ordinal);
        if (!domains.TryGetValue(domain, out var count))
        {
            if (domains.Count >= DomainCap)
            {
                return null;
            }
            domains[domain] = count = new PerDomain();
        }
        _lastDomain = domain;
        _last = count;
        return count;
    }

    /// <summary>Adds another origin's tally (an open relay's clients judged together); distinct counts add up, an upper bound.</summary>
    public void AddAll(RecipientTally other)
    {
        foreach (var (d, n, distinct) in other.Domains)
        {
            var c = Find(d);
            if (c is null)
            {
                Overflow += n;
                continue;
            }
            c.Recipients += n;
            c.Distinct += distinct;
        }
        Overflow += other.Overflow;
    }
}
