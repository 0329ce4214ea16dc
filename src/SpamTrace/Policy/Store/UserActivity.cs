namespace SpamTrace.Policy.Store;

/// <summary>
/// What containment watches per SASL user: client IPs and networks last seen, recent limit hits, and a week of
/// hourly message counts for the baseline. Not thread-safe: locked by the store.
/// </summary>
internal sealed class UserActivity
{
    public const int HistoryHours = 168;

    public Dictionary<string, long> Ips { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, long> Networks { get; } = new(StringComparer.Ordinal);
    public Queue<long> LimitHits { get; } = new();
    public long[] Hours { get; set; } = new long[HistoryHours];

    /// <summary>Absolute hour number (ms / 3600000) of the newest bucket; buckets older than 168 hours are zero.</summary>
    public long CurrentHour { get; set; }
    public long FirstSeenMs { get; set; }
    public bool Dirty { get; set; }

    private long _baselineHour = -1;
    private double _baseline;

    public static int Prune(Dictionary<string, long> seen, long cutoffMs)
    {
        // Runs on every request: no LINQ, no allocation unless something actually expired.
        List<string>? expired = null;
        foreach (var (key, at) in seen)
        {
            if (at <= cutoffMs)
            {
                (expired ??= []).Add(key);
            }
        }
        if (expired is not null)
        {
            foreach (var key in expired)
            {
                seen.Remove(key);
            }
        }
        return seen.Count;
    }

    /// <summary>Forgets what would contain the user again at once (after a release).</summary>
    public void ResetHistory()
    {
        LimitHits.Clear();
        Ips.Clear();
        Networks.Clear();
        Array.Clear(Hours);
        _baselineHour = -1;
        Dirty = true;
    }

    public void AdvanceTo(long hour)
    {
        if (hour <= CurrentHour)
        {
            return;
        }
        _baselineHour = -1;
        var steps = Math.Min(hour - CurrentHour, HistoryHours);
        for (var i = 1; i <= steps; i++)
        {
            Hours[(int)((CurrentHour + i) % HistoryHours)] = 0;
        }
        CurrentHour = hour;
    }

    /// <summary>Messages in the last 60 minutes: this hour plus the unelapsed share of the previous one.</summary>
    public long LastHourEstimate(long nowMs)
    {
        var hour = nowMs / 3_600_000;
        if (hour > CurrentHour + 1)
        {
            return 0;
        }
        var current = hour == CurrentHour ? Hours[(int)(hour % HistoryHours)] : 0;
        var previous = Hours[(int)((hour - 1 + HistoryHours) % HistoryHours)];
        if (hour > CurrentHour)
        {
            previous = Hours[(int)(CurrentHour % HistoryHours)];
        }
        var elapsed = (nowMs % 3_600_000) / 3_600_000.0;
        return current + (long)(previous * (1 - elapsed));
    }

    /// <summary>Average per hour over the hours before the current one; -1 with less than a day of history.</summary>
    public double Baseline(long nowMs)
    {
        if (nowMs - FirstSeenMs < 86_400_000)
        {
            return -1;
        }
        var hour = nowMs / 3_600_000;
        // Past hours do not change within the hour: compute once per hour, not per request.
        if (hour == _baselineHour)
        {
            return _baseline;
        }
        long total = 0;
        for (var h = hour - HistoryHours + 1; h < hour; h++)
        {
            if (h <= CurrentHour && h > CurrentHour - HistoryHours)
            {
                total += Hours[(int)(h % HistoryHours)];
            }
        }
        var hours = Math.Min(HistoryHours - 1, (nowMs - FirstSeenMs) / 3_600_000);
        _baseline = hours <= 0 ? -1 : total / (double)hours;
        _baselineHour = hour;
        return _baseline;
    }
}
