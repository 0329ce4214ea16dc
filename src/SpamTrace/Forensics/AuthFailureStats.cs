namespace SpamTrace.Forensics;

/// <summary>Failed logins seen for one key (a username or a client IP): count, time span and capped detail.</summary>
public sealed class AuthFailureStats
{
    private const int TimesCap = 10_000;
    /// <summary>The first lines' times with their counts (a "message repeated N times" line is one entry of N).</summary>
    private readonly List<(DateTime Time, int Count)> _times = [];
    private long _timedCount;

    public long Count { get; private set; }
    public DateTime FirstUtc { get; private set; } = DateTime.MaxValue;
    public DateTime LastUtc { get; private set; } = DateTime.MinValue;
    public BoundedSet Ips { get; } = new(1_000);

    public void Add(DateTime utc, string? ip, int count = 1)
    {
        count = Math.Max(count, 1);
        Count += count;
        if (utc < FirstUtc)
        {
            FirstUtc = utc;
        }
        if (utc > LastUtc)
        {
            LastUtc = utc;
        }
        if (_times.Count < TimesCap)
        {
            _times.Add((utc, count));
            _timedCount += count;
        }
        Ips.Add(ip);
    }

    /// <summary>
    /// Failures up to a time, its own second included (syslog time has whole seconds: a guess and the success after it
    /// often share one); exact up to the first 10,000 failure lines, then extrapolated from them.
    /// </summary>
    public long CountBefore(DateTime utc)
    {
        if (_timedCount == 0)
        {
            return 0;
        }
        long before = 0;
        foreach (var (time, count) in _times)
        {
            before += time <= utc ? count : 0;
        }
        return _timedCount == Count ? before : (long)Math.Round((double)before / _timedCount * Count);
    }
}
