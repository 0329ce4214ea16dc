using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Completes classic syslog timestamps ("Mar 23 05:01:52", no year) of one input, line by line in order.
/// The first dated line takes the latest year that does not put it after the file's last write (the log
/// cannot end in the future); each later line takes the year, among the previous one and its neighbours,
/// that puts it closest to the line before, so Dec 31 -> Jan 1 moves to the next year while a line logged
/// a second out of order across New Year does not. A single file spanning more than a year is not
/// supported (logs rotate long before).
/// </summary>
internal sealed class YearResolver(DateTime referenceWallClock)
{
    /// <summary>The file time is UTC, the log's clock local: allow for the widest time zone.</summary>
    private static readonly long Slack = TimeSpan.FromHours(15).Ticks;

    private int _year;
    private byte _month;
    private byte _day;
    private long _previousTicks;

    public void Resolve(ref LogTimestamp time)
    {
        if (!time.IsValid || time.HasYear)
        {
            return;
        }
        if (time.Month == _month && time.Day == _day && _year != 0)
        {
            time.ResolveYear(_year);
            _previousTicks = time.Ticks;
            return;
        }
        var year = _year == 0 ? FirstYear(time) : ClosestYear(time);
        if (year == 0 || !time.ResolveYear(year))
        {
            return;
        }
        _year = year;
        _month = time.Month;
        _day = time.Day;
        _previousTicks = time.Ticks;
    }

    private int FirstYear(LogTimestamp time)
    {
        var limit = referenceWallClock.Ticks + Slack;
        for (var year = referenceWallClock.Year + 1; year >= referenceWallClock.Year - 8; year--)
        {
            if (TicksIn(time, year) is { } ticks && ticks <= limit)
            {
                return year;
            }
        }
        return 0;
    }

    private int ClosestYear(LogTimestamp time)
    {
        var best = 0;
        var bestDistance = long.MaxValue;
        for (var year = _year - 1; year <= _year + 1; year++)
        {
            if (TicksIn(time, year) is { } ticks && Math.Abs(ticks - _previousTicks) < bestDistance)
            {
                best = year;
                bestDistance = Math.Abs(ticks - _previousTicks);
            }
        }
        return best;
    }

    private static long? TicksIn(LogTimestamp time, int year) =>
        year is < 1 or > 9998 || time.Month is < 1 or > 12 || time.Day < 1 || time.Day > DateTime.DaysInMonth(year, time.Month)
            ? null
            : new DateTime(year, time.Month, time.Day).Ticks + time.Ticks;
}
