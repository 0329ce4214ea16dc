namespace SpamTrace.Logs.Parsing;

/// <summary>
/// Recognises Postfix queue IDs: the short form (upper-case hex, e.g. <c>3A452D963D</c>) and the long form of
/// <c>enable_long_queue_ids</c> (e.g. <c>4Qd1x35vB7z1Yqg</c>: 6 characters of seconds, 4 of microseconds,
/// the separator <c>z</c>, then the inode number).
/// </summary>
internal static class QueueIdParser
{
    private const int MinShortLength = 5;
    private const int LongSeparatorIndex = 10;

    private const byte Alnum = 1;
    private const byte UpperHex = 2;

    /// <summary>
    /// Per byte: Alnum, and UpperHex for 0-9 A-F. A table rather than comparisons: queue IDs are random characters,
    /// and per-character branches on them mispredict about half the time.
    /// </summary>
    private static ReadOnlySpan<byte> Classes =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0, 0,
        0, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    /// <summary>True when the whole of <paramref name="token"/> is a queue ID.</summary>
    public static bool IsQueueId(ReadOnlySpan<byte> token)
    {
        if (token.Length < MinShortLength || token.Length > 32)
        {
            return false;
        }
        var classes = Classes;
        int all = Alnum | UpperHex;
        foreach (byte b in token)
        {
            all &= classes[b];
        }
        if ((all & Alnum) == 0)
        {
            return false;
        }
        return (all & UpperHex) != 0 || (token.Length > LongSeparatorIndex + 1 && token[LongSeparatorIndex] == (byte)'z');
    }

    /// <summary>Length of the queue ID at <paramref name="pos"/> when it is followed by ':', else 0.</summary>
    public static int MatchWithColon(ReadOnlySpan<byte> line, int pos)
    {
        int end = AlnumEnd(line, pos);
        if (!LineSpan.IsAt(line, end, (byte)':') || !IsQueueId(line.Slice(pos, end - pos)))
        {
            return 0;
        }
        return end - pos;
    }

    /// <summary>End of the run of ASCII letters and digits at <paramref name="pos"/> (one predictable branch per byte).</summary>
    private static int AlnumEnd(ReadOnlySpan<byte> line, int pos)
    {
        var classes = Classes;
        while ((uint)pos < (uint)line.Length && classes[line[pos]] != 0)
        {
            pos++;
        }
        return pos;
    }

    /// <summary>The queue ID token starting at <paramref name="pos"/> (letters and digits), or empty when it is not one.</summary>
    public static TextRange TokenAt(ReadOnlySpan<byte> line, int pos)
    {
        if ((uint)pos >= (uint)line.Length)
        {
            return TextRange.None;
        }
        int end = AlnumEnd(line, pos);
        return IsQueueId(line.Slice(pos, end - pos)) ? LineSpan.Range(pos, end) : TextRange.None;
    }
}
