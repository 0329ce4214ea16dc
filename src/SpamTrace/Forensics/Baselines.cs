namespace SpamTrace.Forensics;

/// <summary>
/// When an origin's volume jumped above its own baseline. On a log of several days the baseline is the origin's
/// own earlier days, so a daily newsletter is never a burst and an attack on day 3 is dated on day 3; on a
/// shorter log it is the origin's median bin over the log.
/// </summary>
public static class Baselines
{
    /// <summary>From this span on, each origin is compared with its own earlier days.</summary>
    public static readonly TimeSpan MultiDay = TimeSpan.FromHours(36);
    private const int MinimumBurst = 20;

    public static DateTime? BurstStart(MinuteHistogram minutes, DateTime logFirst, DateTime logLast, DateTime binStart, TimeSpan binWidth, int bins)
    {
        if (logLast - logFirst >= MultiDay)
        {
            return AgainstEarlierDays(minutes, logFirst, logLast);
        }
        if (logLast - logFirst < TimeSpan.FromHours(2) || bins < 12)
        {
            return null;
        }
        return WithinSeries(minutes.Bin(binStart, binWidth, bins), binStart, binWidth, minutes);
    }

    /// <summary>
    /// The first day whose volume is at least five times the busiest earlier day's (and at least 20), dated at the
    /// first hour of that day that carries a quarter of the day's peak hour. The log's first day has no earlier days:
    /// it is never a burst.
    /// </summary>
    private static DateTime? AgainstEarlierDays(MinuteHistogram minutes, DateTime logFirst, DateTime logLast)
    {
        var start = new DateTime(logFirst.Ticks - (logFirst.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);
        var hours = Math.Max(1, (int)Math.Ceiling((logLast - start).TotalHours) + 1);
        var hourly = minutes.Bin(start, TimeSpan.FromHours(1), hours);
        var days = (hours + 23) / 24;
        long earlierMax = 0;
        for (var d = 0; d < days; d++)
        {
            long volume = 0, peak = 0;
            for (var h = d * 24; h < Math.Min(hours, (d + 1) * 24); h++)
            {
                volume += hourly[h];
                peak = Math.Max(peak, hourly[h]);
            }
            if (d > 0 && volume >= MinimumBurst && volume >= 5 * Math.Max(1, earlierMax))
            {
                for (var h = d * 24; h < Math.Min(hours, (d + 1) * 24); h++)
                {
                    if (hourly[h] * 4 >= peak && hourly[h] > 0)
                    {
                        var hourStart = start.AddHours(h);
                        return minutes.FirstAtOrAfter(hourStart) ?? hourStart;
                    }
                }
            }
            earlierMax = Math.Max(earlierMax, volume);
        }
        return null;
    }

    /// <summary>
    /// The first minute of the first bin far above the series' own baseline (its median bin): at least 5 times it and
    /// at least 10, and a quarter of the peak; null when the series has no such burst.
    /// </summary>
    private static DateTime? WithinSeries(long[] bins, DateTime start, TimeSpan width, MinuteHistogram minutes)
    {
        var sorted = bins.Order().ToArray();
        var baseline = Math.Max(1, sorted[sorted.Length / 2]);
        var peak = sorted[^1];
        if (peak < MinimumBurst || peak < 5 * baseline)
        {
            return null;
        }
        var threshold = Math.Max(5 * baseline, peak / 4);
        for (var i = 0; i < bins.Length; i++)
        {
            if (bins[i] >= threshold)
            {
                var binStart = start + (width * i);
                return minutes.FirstAtOrAfter(binStart) ?? binStart;
            }
        }
        return null;
    }

    /// <summary>On how many days before its burst (or before its last day) the origin sent: its history.</summary>
    public static int ActiveDaysBefore(MinuteHistogram minutes, DateTime logFirst, DateTime before)
    {
        var start = new DateTime(logFirst.Ticks - (logFirst.Ticks % TimeSpan.TicksPerDay), DateTimeKind.Utc);
        var days = Math.Max(0, (int)((before - start).TotalDays));
        if (days == 0)
        {
            return 0;
        }
        var daily = minutes.Bin(start, TimeSpan.FromDays(1), days + 1);
        return daily.Take(days).Count(v => v > 0);
    }
}
