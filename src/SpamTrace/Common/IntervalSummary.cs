namespace SpamTrace.Common;

/// <summary>
/// Counts a recurring event and reports it at most once per interval: the first occurrence at once, the ones that
/// follow as one line with their count when the interval has passed. A flood of identical warnings (a connection
/// storm, a failing disk) would otherwise fill the journal and hide everything else.
/// </summary>
public sealed class IntervalSummary(TimeSpan interval, Action<long, TimeSpan> report)
{
    private readonly Lock _lock = new();
    private long _pending;
    private long _lastReportMs = long.MinValue;

    /// <summary>Counts one occurrence at <paramref name="nowMs"/> (a monotonic clock) and reports when due.</summary>
    public void Record(long nowMs)
    {
        long count;
        TimeSpan since;
        lock (_lock)
        {
            _pending++;
            if (_lastReportMs != long.MinValue && nowMs - _lastReportMs < interval.TotalMilliseconds)
            {
                return;
            }
            (count, since) = Take(nowMs);
        }
        report(count, since);
    }

    /// <summary>Reports what was counted since the last report once the interval has passed (call it periodically).</summary>
    public void Tick(long nowMs)
    {
        long count;
        TimeSpan since;
        lock (_lock)
        {
            if (_pending == 0 || nowMs - _lastReportMs < interval.TotalMilliseconds)
            {
                return;
            }
            (count, since) = Take(nowMs);
        }
        report(count, since);
    }

    private (long, TimeSpan) Take(long nowMs)
    {
        var since = _lastReportMs == long.MinValue ? TimeSpan.Zero : TimeSpan.FromMilliseconds(nowMs - _lastReportMs);
        var count = _pending;
        _pending = 0;
        _lastReportMs = nowMs;
        return (count, since);
    }
}
