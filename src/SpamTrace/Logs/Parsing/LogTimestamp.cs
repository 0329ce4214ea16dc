namespace SpamTrace.Logs.Parsing;

[Flags]
public enum TimestampFlags : byte
{
    None = 0,
    /// <summary>The timestamp was recognised.</summary>
    Valid = 1,
    /// <summary>The line carried a year (RFC 3339, ISO, journal). Classic syslog does not: the reader infers it.</summary>
    HasYear = 2,
    /// <summary>The line carried a UTC offset. Without one the wall clock is taken as written (the server's local time).</summary>
    HasOffset = 4,
}

/// <summary>
/// A log timestamp as written. Classic syslog lines have no year, so the parser fills
/// <see cref="Month"/>, <see cref="Day"/> and the time of day, and the reader completes the year
/// from the file's date and from December-to-January rollover.
/// </summary>
public struct LogTimestamp
{
    /// <summary>With <see cref="TimestampFlags.HasYear"/>: DateTime ticks of the wall clock as written. Without: ticks since midnight.</summary>
    public long Ticks;
    public short OffsetMinutes;
    public byte Month;
    public byte Day;
    public TimestampFlags Flags;

    public readonly bool IsValid => (Flags & TimestampFlags.Valid) != 0;
    public readonly bool HasYear => (Flags & TimestampFlags.HasYear) != 0;
    public readonly bool HasOffset => (Flags & TimestampFlags.HasOffset) != 0;

    /// <summary>
    /// Ticks usable for ordering and windows: UTC when the offset is known, else the wall clock as written
    /// (mixing zoned and unzoned logs of one host is rare; a server logs in one format).
    /// Zero when the timestamp is invalid or its year has not been resolved.
    /// </summary>
    public readonly long UtcTicks => !IsValid || !HasYear ? 0 : Ticks - (HasOffset ? OffsetMinutes * TimeSpan.TicksPerMinute : 0);

    public readonly DateTime ToUtcDateTime() => new(UtcTicks, DateTimeKind.Utc);

    /// <summary>Completes a year-less timestamp. Returns false when the date does not exist in that year (Feb 29).</summary>
    public bool ResolveYear(int year)
    {
        if (HasYear || !IsValid)
        {
            return IsValid;
        }
        if (Month is < 1 or > 12 || Day < 1 || Day > DateTime.DaysInMonth(year, Month))
        {
            return false;
        }
        Ticks += new DateTime(year, Month, Day).Ticks;
        Flags |= TimestampFlags.HasYear;
        return true;
    }
}
