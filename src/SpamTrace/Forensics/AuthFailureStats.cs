using SpamTrace.Common;

namespace SpamTrace.Forensics;

/// <summary>Failed logins seen from one client IP: count, time span, and when they happened (for "failures before the first success").</summary>
public sealed class AuthFailureStats
{
    private const int TimesCap = 10_000;
    /// <summary>
    /// The first lines' times with their counts, one entry per second: a guessing client fails many times a second, and
    /// a "message repeated N times" line is one entry of N.
    /// </summary>
    private readonly List<(DateTime Time, int Count)> _times = [];
    private long _timedCount;

    public long Count { get; private set; }
    /// <summary>The login names the failures tried (when the log names them): a guesser tries many, a user mistypes its own.</summary>
    public BoundedSet Logins { get; } = new(64);
    public DateTime FirstUtc { get; private set; } = DateTime.MaxValue;
    public DateTime LastUtc { get; private set; } = DateTime.MinValue;

    public void Add(DateTime utc, int count = 1, string? login = null)
    {
        Logins.Add(login);
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
        if (_times.Count > 0 && _times[^1].Time == utc)
        {
            _times[^1] = (utc, _times[^1].Count + count);
            _timedCount += count;
        }
        else if (_times.Count < TimesCap)
        {
            _times.Add((utc, count));
            _timedCount += count;
        }
    }

    /// <summary>
    /// Failures up to a time, its own second included (syslog time has whole seconds: a guess and the success after it
    /// often share one); exact up to the first 10,000 seconds with failures, then extrapolated from them.
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
