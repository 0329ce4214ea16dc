namespace SpamTrace.Policy.Greylisting;

/// <summary>
/// How long each sender domain's mail waited before it passed greylisting, for `policy status`: the domains a user
/// would call "delayed for hours". Bounded: past the cap, new domains are not tracked.
/// </summary>
public sealed class SlowPools(int cap = 10_000)
{
    private readonly Dictionary<string, Stats> _domains = new(StringComparer.OrdinalIgnoreCase);

    private sealed class Stats
    {
        public long Passes;
        public long TotalDelay;
        public long MaxDelay;
        public bool Pooled;
    }

    public void Passed(string domain, long delaySeconds, bool pooled)
    {
        lock (_domains)
        {
            if (!_domains.TryGetValue(domain, out var stats))
            {
                if (_domains.Count >= cap)
                {
                    return;
                }
                _domains[domain] = stats = new Stats();
            }
            stats.Passes++;
            stats.TotalDelay += delaySeconds;
            stats.MaxDelay = Math.Max(stats.MaxDelay, delaySeconds);
            stats.Pooled |= pooled;
        }
    }

    public List<SlowPool> Slowest(int max)
    {
        lock (_domains)
        {
            return _domains
                .Select(kv => new SlowPool(kv.Key, kv.Value.Passes, kv.Value.TotalDelay / kv.Value.Passes, kv.Value.MaxDelay, kv.Value.Pooled))
                .OrderByDescending(p => p.AverageDelaySeconds).ThenByDescending(p => p.Passes)
                .Take(max).ToList();
        }
    }
}

/// <summary>A sender domain's delays until passing; Pooled when its SPF pool merged retries from other addresses.</summary>
public sealed record SlowPool(string Domain, long Passes, long AverageDelaySeconds, long MaxDelaySeconds, bool Pooled);
