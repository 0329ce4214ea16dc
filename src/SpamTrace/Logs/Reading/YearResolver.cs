using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Completes classic syslog timestamps ("Mar 23 05:01:52", no year): each line takes the latest year that
/// does not put it after the input's last write (the log cannot end in the future; stdin: now). For a log
/// spanning less than a year this is exactly "start from the right year and roll over Dec -> Jan going
/// forward", and it needs no state from the previous line, so the parsing workers resolve their own chunks
/// in parallel. It also keeps a line logged a second out of order across New Year in the old year, and a
/// file that jumps back and forth (pasted excerpts) from drifting into the future. A single file spanning
/// more than a year is folded into its last twelve months (logs rotate long before that).
/// </summary>
internal struct YearResolver(long referenceTicks)
{
    /// <summary>The file time is UTC, the log's clock local: allow for the zone furthest ahead.</summary>
    private static readonly long Slack = TimeSpan.FromHours(15).Ticks;

    private readonly long _limit = referenceTicks + Slack;
    private int _cachedKey;
    private long _cachedDayTicks;
    private long _cachedCutoff;

    public void Resolve(ref LogTimestamp time)
    {
        if (!time.IsValid || time.HasYear)
        {
            return;
        }
        // Lines come in runs of one day: reuse the year and date of the previous line when they share it.
        var key = (time.Month << 8) | time.Day;
        if (key != _cachedKey || time.Ticks > _cachedCutoff)
        {
            if (!Choose(time))
            {
                return;
            }
        }
        time.Ticks += _cachedDayTicks;
        time.Flags |= TimestampFlags.HasYear;
    }

    private bool Choose(LogTimestamp time)
    {
        var top = new DateTime(_limit, DateTimeKind.Unspecified).Year;
        for (var year = top; year >= top - 8; year--)
        {
            if (time.Month is < 1 or > 12 || time.Day < 1 || time.Day > DateTime.DaysInMonth(year, time.Month))
            {
                if (time.Month is < 1 or > 12 || time.Day is < 1 or > 29)
                {
                    return false;
                }
                continue;
            }
            var dayTicks = new DateTime(year, time.Month, time.Day).Ticks;
            if (dayTicks + time.Ticks <= _limit)
            {
                _cachedKey = (time.Month << 8) | time.Day;
                _cachedDayTicks = dayTicks;
                // The same day in the same year holds while the time of day stays at or under the limit.
                _cachedCutoff = _limit - dayTicks;
                return true;
            }
        }
        return false;
    }
}
