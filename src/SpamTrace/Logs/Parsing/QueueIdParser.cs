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

    /// <summary>True when the whole of <paramref name="token"/> is a queue ID.</summary>
    public static bool IsQueueId(ReadOnlySpan<byte> token)
    {
        if (token.Length < MinShortLength || token.Length > 32)
        {
            return false;
        }
        bool hex = true;
        foreach (byte b in token)
        {
            if (!LineSpan.IsAlnum(b))
            {
                return false;
            }
            if (!(LineSpan.IsDigit(b) || (uint)(b - 'A') <= 'F' - 'A'))
            {
                hex = false;
            }
        }
        return hex || (token.Length > LongSeparatorIndex + 1 && token[LongSeparatorIndex] == (byte)'z');
    }

    /// <summary>Length of the queue ID at <paramref name="pos"/> when it is followed by ':', else 0.</summary>
    public static int MatchWithColon(ReadOnlySpan<byte> line, int pos)
    {
        int end = LineSpan.AlnumEnd(line, pos);
        if (!LineSpan.IsAt(line, end, (byte)':') || !IsQueueId(line.Slice(pos, end - pos)))
        {
            return 0;
        }
        return end - pos;
    }

    /// <summary>The queue ID token starting at <paramref name="pos"/> (letters and digits), or empty when it is not one.</summary>
    public static TextRange TokenAt(ReadOnlySpan<byte> line, int pos)
    {
        if ((uint)pos >= (uint)line.Length)
        {
            return TextRange.None;
        }
        int end = LineSpan.AlnumEnd(line, pos);
        return IsQueueId(line.Slice(pos, end - pos)) ? LineSpan.Range(pos, end) : TextRange.None;
    }
}
