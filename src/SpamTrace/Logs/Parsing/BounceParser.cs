namespace SpamTrace.Logs.Parsing;

/// <summary>bounce/defer/trace: "QID: sender non-delivery notification: NEWID" and its siblings.</summary>
internal static class BounceParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        EventKind kind;
        int id;
        if (LineSpan.At(line, p, "sender non-delivery notification: "u8))
        {
            (kind, id) = (EventKind.BounceNotice, p + 34);
        }
        else if (LineSpan.At(line, p, "sender delay notification: "u8))
        {
            (kind, id) = (EventKind.DelayNotice, p + 27);
        }
        else if (LineSpan.At(line, p, "sender delivery status notification: "u8))
        {
            (kind, id) = (EventKind.SuccessNotice, p + 37);
        }
        else if (LineSpan.At(line, p, "postmaster non-delivery notification: "u8))
        {
            (kind, id) = (EventKind.PostmasterNotice, p + 38);
        }
        else if (LineSpan.At(line, p, "postmaster delay notification: "u8))
        {
            (kind, id) = (EventKind.DelayNotice, p + 31);
        }
        else
        {
            return EventKind.Unknown;
        }
        ev.OtherQueueId = QueueIdParser.TokenAt(line, id);
        return ev.OtherQueueId.IsEmpty ? EventKind.Unknown : kind;
    }
}
