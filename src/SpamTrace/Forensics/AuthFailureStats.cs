namespace SpamTrace.Forensics;

/// <summary>Failed logins seen for one key (a username or a client IP): count, time span and capped detail.</summary>
public sealed class AuthFailureStats
{
    private const int TimesCap = 10_000;
    private readonly List<DateTime> _times = [];

    public long Count { get; private set; }
    public DateTime FirstUtc { get; private set; } = DateTime.MaxValue;
    public DateTime LastUtc { get; private set; } = DateTime.MinValue;
    public BoundedSet Ips { get; } = new(1_000);

    public void Add(DateTime utc, string? ip)
    {
        Count++;
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
            _times.Add(utc);
        }
        Ips.Add(ip);
    }

    /// <summary>
    /// Failures up to a time, its own second included (syslog time has whole seconds: a guess and the success after it
    /// often share one); exact up to the first 10,000 failures, then extrapolated from them.
    /// </summary>
    public long CountBefore(DateTime utc)
    {
        if (_times.Count == 0)
        {
            return 0;
        }
        var before = _times.Count(t => t <= utc);
        return _times.Count == Count ? before : (long)Math.Round((double)before / _times.Count * Count);
    }
}
