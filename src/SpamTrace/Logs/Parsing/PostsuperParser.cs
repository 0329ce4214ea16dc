namespace SpamTrace.Logs.Parsing;

/// <summary>postsuper: per-message hold/release/requeue/delete, and the count summaries (Ignored).</summary>
internal static class PostsuperParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev, bool hasQueueId)
    {
        if (hasQueueId)
        {
            if (QmgrParser.IsExactly(line, p, "placed on hold"u8))
            {
                return EventKind.PostsuperHold;
            }
            if (QmgrParser.IsExactly(line, p, "released from hold"u8))
            {
                return EventKind.PostsuperRelease;
            }
            if (QmgrParser.IsExactly(line, p, "requeued"u8))
            {
                return EventKind.PostsuperRequeue;
            }
            if (QmgrParser.IsExactly(line, p, "removed"u8))
            {
                return EventKind.PostsuperDelete;
            }
            return EventKind.Unknown;
        }
        if (LineSpan.At(line, p, "Placed on hold: "u8) || LineSpan.At(line, p, "Released from hold: "u8)
            || LineSpan.At(line, p, "Requeued: "u8) || LineSpan.At(line, p, "Deleted: "u8) || LineSpan.At(line, p, "Expired: "u8))
        {
            return EventKind.Ignored;
        }
        return EventKind.Unknown;
    }
}
