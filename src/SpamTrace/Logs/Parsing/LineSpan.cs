namespace SpamTrace.Logs.Parsing;

/// <summary>
/// Span helpers shared by the payload parsers. Every position is an offset into the whole line, so that the
/// ranges stored in <see cref="LogEvent"/> need no translation; every helper tolerates positions past the end.
/// </summary>
internal static class LineSpan
{
    public static TextRange Range(int start, int end) => end <= start ? TextRange.None : new TextRange(start, end - start);

    public static bool At(ReadOnlySpan<byte> line, int pos, ReadOnlySpan<byte> literal) =>
        (uint)pos <= (uint)line.Length && line.Slice(pos).StartsWith(literal);

    public static bool IsAt(ReadOnlySpan<byte> line, int pos, byte b) => (uint)pos < (uint)line.Length && line[pos] == b;

    /// <summary>Index of <paramref name="literal"/> at or after <paramref name="from"/>, or -1.</summary>
    public static int Find(ReadOnlySpan<byte> line, int from, ReadOnlySpan<byte> literal)
    {
        if ((uint)from > (uint)line.Length)
        {
            return -1;
        }
        int i = line.Slice(from).IndexOf(literal);
        return i < 0 ? -1 : i + from;
    }

    public static int Find(ReadOnlySpan<byte> line, int from, byte b)
    {
        if ((uint)from > (uint)line.Length)
        {
            return -1;
        }
        int i = line.Slice(from).IndexOf(b);
        return i < 0 ? -1 : i + from;
    }

    /// <summary>Index of <paramref name="literal"/> inside [from, end), or -1.</summary>
    public static int FindIn(ReadOnlySpan<byte> line, int from, int end, ReadOnlySpan<byte> literal)
    {
        if ((uint)from > (uint)end || (uint)end > (uint)line.Length)
        {
            return -1;
        }
        int i = line.Slice(from, end - from).IndexOf(literal);
        return i < 0 ? -1 : i + from;
    }

    /// <summary>Last index of <paramref name="literal"/> inside [from, end), or -1.</summary>
    public static int FindLastIn(ReadOnlySpan<byte> line, int from, int end, ReadOnlySpan<byte> literal)
    {
        if ((uint)from > (uint)end || (uint)end > (uint)line.Length)
        {
            return -1;
        }
        int i = line.Slice(from, end - from).LastIndexOf(literal);
        return i < 0 ? -1 : i + from;
    }

    public static int SkipSpaces(ReadOnlySpan<byte> line, int pos)
    {
        while ((uint)pos < (uint)line.Length && line[pos] == (byte)' ')
        {
            pos++;
        }
        return pos;
    }

    /// <summary>Moves <paramref name="end"/> back over trailing spaces, tabs and CRs (never before <paramref name="start"/>).</summary>
    public static int TrimEnd(ReadOnlySpan<byte> line, int start, int end)
    {
        while (end > start && line[end - 1] is (byte)' ' or (byte)'\t' or (byte)'\r')
        {
            end--;
        }
        return end;
    }

    /// <summary>The trimmed range [start, end).</summary>
    public static TextRange Trimmed(ReadOnlySpan<byte> line, int start, int end)
    {
        start = SkipSpaces(line, start);
        return Range(start, TrimEnd(line, start, end));
    }

    /// <summary>End of the run of bytes that are not <paramref name="stop"/> (the line's end when absent).</summary>
    public static int Until(ReadOnlySpan<byte> line, int from, byte stop)
    {
        int i = Find(line, from, stop);
        return i < 0 ? Math.Max(from, line.Length) : i;
    }

    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool IsAlnum(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    public static bool IsUpper(byte b) => (uint)(b - 'A') <= 'Z' - 'A';

    /// <summary>End of the run of ASCII letters and digits starting at <paramref name="pos"/>.</summary>
    public static int AlnumEnd(ReadOnlySpan<byte> line, int pos)
    {
        while ((uint)pos < (uint)line.Length && IsAlnum(line[pos]))
        {
            pos++;
        }
        return pos;
    }

    /// <summary>Parses up to 9 decimal digits at <paramref name="pos"/>; returns the index after them, or -1 when there is none.</summary>
    public static int ParseInt(ReadOnlySpan<byte> line, int pos, out int value)
    {
        value = 0;
        int start = pos;
        while ((uint)pos < (uint)line.Length && IsDigit(line[pos]) && pos - start < 9)
        {
            value = (value * 10) + (line[pos] - '0');
            pos++;
        }
        return pos == start ? -1 : pos;
    }

    /// <summary>Parses up to 18 decimal digits at <paramref name="pos"/>; returns the index after them, or -1 when there is none.</summary>
    public static int ParseLong(ReadOnlySpan<byte> line, int pos, out long value)
    {
        value = 0;
        int start = pos;
        while ((uint)pos < (uint)line.Length && IsDigit(line[pos]) && pos - start < 18)
        {
            value = (value * 10) + (line[pos] - '0');
            pos++;
        }
        return pos == start ? -1 : pos;
    }
}
