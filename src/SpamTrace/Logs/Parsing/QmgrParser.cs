namespace SpamTrace.Logs.Parsing;

/// <summary>qmgr (and pickup, whose single line also names the envelope sender).</summary>
internal static class QmgrParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        if (LineSpan.At(line, p, "from=<"u8))
        {
            // The sender can itself contain ", " (quoted local parts, source routes): anchor on the next key.
            int v = p + 6;
            int sizeAt = LineSpan.Find(line, v, ">, size="u8);
            if (sizeAt >= 0)
            {
                ev.From = LineSpan.Range(v, sizeAt);
                int after = LineSpan.ParseLong(line, sizeAt + 8, out long size);
                if (after < 0)
                {
                    return EventKind.Unknown;
                }
                ev.Size = size;
                if (LineSpan.At(line, after, ", nrcpt="u8) && LineSpan.ParseInt(line, after + 8, out int nrcpt) > 0)
                {
                    ev.Nrcpt = nrcpt;
                }
                return EventKind.QmgrFrom;
            }
            int statusAt = LineSpan.Find(line, v, ">, status=expired"u8);
            if (statusAt >= 0)
            {
                ev.From = LineSpan.Range(v, statusAt);
                ev.Status = DeliveryStatus.Expired;
                return EventKind.QmgrExpired;
            }
            return EventKind.Unknown;
        }
        if (IsExactly(line, p, "removed"u8))
        {
            return EventKind.QmgrRemoved;
        }
        if (LineSpan.At(line, p, "skipped, still being delivered"u8))
        {
            return EventKind.QmgrSkipped;
        }
        if (LineSpan.At(line, p, "recipient limit "u8))
        {
            return EventKind.Ignored; // -v trace
        }
        return EventKind.Unknown;
    }

    /// <summary>pickup: "uid=N from=&lt;sender&gt;".</summary>
    public static EventKind ParsePickup(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        if (!LineSpan.At(line, p, "uid="u8))
        {
            return EventKind.Unknown;
        }
        int after = LineSpan.ParseInt(line, p + 4, out int uid);
        if (after < 0)
        {
            return EventKind.Unknown;
        }
        ev.Uid = uid;
        int from = LineSpan.Find(line, after, "from="u8);
        if (from >= 0)
        {
            KeyValueParser.Value(line, from + 5, out ev.From);
        }
        return EventKind.PickupUid;
    }

    /// <summary>True when the rest of the line (ignoring trailing blanks) is exactly <paramref name="word"/>.</summary>
    public static bool IsExactly(ReadOnlySpan<byte> line, int p, ReadOnlySpan<byte> word) =>
        LineSpan.At(line, p, word) && LineSpan.TrimEnd(line, p, line.Length) == p + word.Length;
}
