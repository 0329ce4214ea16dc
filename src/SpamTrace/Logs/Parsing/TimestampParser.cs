namespace SpamTrace.Logs.Parsing;

/// <summary>
/// The timestamps a syslog line can start with: classic BSD syslog (<c>Mar 23 05:01:52</c>, <c>Mar  3</c>,
/// <c>Dec 05</c> from Postfix's own maillog_file, <c>Mar 7</c>, optional fraction; no year) and RFC 3339 /
/// ISO 8601 (<c>2024-11-29T00:39:18.123456+01:00</c>, <c>Z</c>, journalctl short-iso <c>+0100</c>, no zone).
/// </summary>
internal static class TimestampParser
{
    /// <summary>Parses the timestamp at the start of <paramref name="line"/>; <paramref name="end"/> is the index just after it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out LogTimestamp ts, out int end)
    {
        ts = default;
        end = 0;
        if (line.Length < 15)
        {
            return false;
        }
        return LineSpan.IsDigit(line[0]) ? TryParseIso(line, ref ts, out end) : TryParseClassic(line, ref ts, out end);
    }

    private static bool TryParseClassic(ReadOnlySpan<byte> line, ref LogTimestamp ts, out int end)
    {
        end = 0;
        int month = MonthOf(line[0], line[1], line[2]);
        if (month == 0 || line[3] != (byte)' ')
        {
            return false;
        }
        int pos = 4;
        if (line[pos] == (byte)' ')
        {
            pos++;
        }
        int day = 0;
        int digits = 0;
        while (pos < line.Length && LineSpan.IsDigit(line[pos]) && digits < 2)
        {
            day = (day * 10) + (line[pos] - '0');
            pos++;
            digits++;
        }
        if (digits == 0 || day is < 1 or > 31 || !LineSpan.IsAt(line, pos, (byte)' '))
        {
            return false;
        }
        if (!TryParseTime(line, pos + 1, out long ticks, out end))
        {
            return false;
        }
        ts.Month = (byte)month;
        ts.Day = (byte)day;
        ts.Ticks = ticks;
        ts.Flags = TimestampFlags.Valid;
        return true;
    }

    private static bool TryParseIso(ReadOnlySpan<byte> line, ref LogTimestamp ts, out int end)
    {
        end = 0;
        if (line.Length < 19 || line[4] != (byte)'-' || line[7] != (byte)'-' || line[10] is not ((byte)'T' or (byte)'t'))
        {
            return false;
        }
        int year = Digits(line, 0, 4);
        int month = Digits(line, 5, 2);
        int day = Digits(line, 8, 2);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }
        if (!TryParseTime(line, 11, out long ticks, out int pos))
        {
            return false;
        }
        var flags = TimestampFlags.Valid | TimestampFlags.HasYear;
        short offset = 0;
        if (pos < line.Length)
        {
            byte z = line[pos];
            if (z is (byte)'Z' or (byte)'z')
            {
                flags |= TimestampFlags.HasOffset;
                pos++;
            }
            else if (z is (byte)'+' or (byte)'-')
            {
                // +hh:mm (RFC 3339), +hhmm (journalctl short-iso) or +hh.
                int hh = Digits(line, pos + 1, 2);
                if (hh < 0 || hh > 23)
                {
                    return false;
                }
                int next = pos + 3;
                int mm = 0;
                if (LineSpan.IsAt(line, next, (byte)':'))
                {
                    mm = Digits(line, next + 1, 2);
                    next += 3;
                }
                else if (next + 1 < line.Length && LineSpan.IsDigit(line[next]))
                {
                    mm = Digits(line, next, 2);
                    next += 2;
                }
                if (mm is < 0 or > 59)
                {
                    return false;
                }
                offset = (short)((hh * 60) + mm);
                if (z == (byte)'-')
                {
                    offset = (short)-offset;
                }
                flags |= TimestampFlags.HasOffset;
                pos = next;
            }
        }
        ts.Ticks = new DateTime(year, month, day).Ticks + ticks;
        ts.Month = (byte)month;
        ts.Day = (byte)day;
        ts.OffsetMinutes = offset;
        ts.Flags = flags;
        end = pos;
        return true;
    }

    /// <summary>hh:mm:ss with an optional fraction of any length (kept to 100 ns ticks).</summary>
    private static bool TryParseTime(ReadOnlySpan<byte> line, int pos, out long ticks, out int end)
    {
        ticks = 0;
        end = pos;
        if (pos + 8 > line.Length || line[pos + 2] != (byte)':' || line[pos + 5] != (byte)':')
        {
            return false;
        }
        int h = Digits(line, pos, 2);
        int m = Digits(line, pos + 3, 2);
        int s = Digits(line, pos + 6, 2);
        if (h is < 0 or > 23 || m is < 0 or > 59 || s is < 0 or > 60)
        {
            return false;
        }
        ticks = ((h * 3600L) + (m * 60L) + s) * TimeSpan.TicksPerSecond;
        pos += 8;
        if (LineSpan.IsAt(line, pos, (byte)'.') || LineSpan.IsAt(line, pos, (byte)','))
        {
            pos++;
            long fraction = 0;
            int n = 0;
            while (pos < line.Length && LineSpan.IsDigit(line[pos]))
            {
                if (n < 7)
                {
                    fraction = (fraction * 10) + (line[pos] - '0');
                    n++;
                }
                pos++;
            }
            if (n == 0)
            {
                return false;
            }
            for (; n < 7; n++)
            {
                fraction *= 10;
            }
            ticks += fraction;
        }
        end = pos;
        return true;
    }

    /// <summary>The value of <paramref name="count"/> decimal digits at <paramref name="pos"/>, or -1.</summary>
    private static int Digits(ReadOnlySpan<byte> line, int pos, int count)
    {
        if (pos < 0 || pos + count > line.Length)
        {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < count; i++)
        {
            byte b = line[pos + i];
            if (!LineSpan.IsDigit(b))
            {
                return -1;
            }
            v = (v * 10) + (b - '0');
        }
        return v;
    }

    private static int MonthOf(byte a, byte b, byte c) => ((a << 16) | (b << 8) | c) switch
    {
        ('J' << 16) | ('a' << 8) | 'n' => 1,
        ('F' << 16) | ('e' << 8) | 'b' => 2,
        ('M' << 16) | ('a' << 8) | 'r' => 3,
        ('A' << 16) | ('p' << 8) | 'r' => 4,
        ('M' << 16) | ('a' << 8) | 'y' => 5,
        ('J' << 16) | ('u' << 8) | 'n' => 6,
        ('J' << 16) | ('u' << 8) | 'l' => 7,
        ('A' << 16) | ('u' << 8) | 'g' => 8,
        ('S' << 16) | ('e' << 8) | 'p' => 9,
        ('O' << 16) | ('c' << 8) | 't' => 10,
        ('N' << 16) | ('o' << 8) | 'v' => 11,
        ('D' << 16) | ('e' << 8) | 'c' => 12,
        _ => 0,
    };
}
