using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Completes classic syslog timestamps ("Mar 23 05:01:52", no year) of one input, line by line in order.
/// The first dated line takes the latest year that does not put it after the file's last write (the log
/// cannot end in the future); each later line takes the earliest year, among the previous one and its
/// neighbours, that does not put it more than a day before the line before: Dec 31 -> Jan 1 moves to the
/// next year, a line logged a second out of order across New Year stays in the old one, and months of
/// silence do not confuse it. A single file spanning more than a year is not supported (logs rotate long before).
/// </summary>
internal sealed class YearResolver(DateTime referenceWallClock)
{
    /// <summary>The file time is UTC, the log's clock local: allow for the widest time zone.</summary>
    private static readonly long Slack = TimeSpan.FromHours(15).Ticks;

    /// <summary>How far a line may go back in time and still be taken as out of order rather than a new year (merged sources, DST).</summary>
    private static readonly long Backwards = TimeSpan.FromDays(1).Ticks;

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
        var year = _year == 0 ? FirstYear(time) : NextYear(time);
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

    /// <summary>The earliest of last year, this year and next year that does not go back in time (beyond a tolerance).</summary>
    private int NextYear(LogTimestamp time)
    {
        var floor = _previousTicks - Backwards;
        for (var year = _year - 1; year <= _year + 1; year++)
        {
            if (TicksIn(time, year) is { } ticks && ticks >= floor)
            {
                // A file that jumps back and forth (lines pasted together, not a log) must not drift
                // into the future year after year: the file's time stays the upper bound.
                return ticks <= referenceWallClock.Ticks + Slack ? year : FirstYear(time);
            }
        }
        return _year;
    }

    private static long? TicksIn(LogTimestamp time, int year) =>
        year is < 1 or > 9998 || time.Month is < 1 or > 12 || time.Day < 1 || time.Day > DateTime.DaysInMonth(year, time.Month)
            ? null
            : new DateTime(year, time.Month, time.Day).Ticks + time.Ticks;
}
