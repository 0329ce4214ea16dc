namespace SpamTrace.Logs.Parsing;

/// <summary>What a delivery reply can tell about the next hop of a message.</summary>
internal static class ReplyText
{
    /// <summary>
    /// The queue ID after the last "queued as " (content filter or next MTA accepting the message) or
    /// "forwarded as " (local .forward) inside [start, end). The correlator decides from the relay whether
    /// the ID is one of this host's (a loopback content filter) or a remote MTA's.
    /// </summary>
    public static TextRange QueuedAs(ReadOnlySpan<byte> line, int start, int end)
    {
        int i = LineSpan.FindLastIn(line, start, end, "queued as "u8);
        int skip = 10;
        if (i < 0)
        {
            i = LineSpan.FindLastIn(line, start, end, "forwarded as "u8);
            skip = 13;
        }
        if (i < 0)
        {
            return TextRange.None;
        }
        var id = QueueIdParser.TokenAt(line, i + skip);
        return id.Start + id.Length <= end ? id : TextRange.None;
    }
}
