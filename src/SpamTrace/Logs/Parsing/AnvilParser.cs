namespace SpamTrace.Logs.Parsing;

/// <summary>anvil: "statistics: max connection rate 5/60s for (smtpd:1.2.3.4) at Mar 23 05:01:52".</summary>
internal static class AnvilParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        if (!LineSpan.At(line, p, "statistics: "u8))
        {
            return EventKind.Unknown;
        }
        int stat = p + 12;
        int forAt = LineSpan.Find(line, stat, " for ("u8);
        if (forAt < 0)
        {
            // "max cache size N at ...": the table, not a client.
            return LineSpan.At(line, stat, "max cache size "u8) ? EventKind.Ignored : EventKind.Unknown;
        }
        int open = forAt + 6;
        int close = LineSpan.Find(line, open, (byte)')');
        if (close < 0)
        {
            return EventKind.Unknown;
        }
        // The key is SERVICE:CLIENT where SERVICE is a master.cf name (smtpd) or host:port (127.0.0.1:2525,
        // [::1]:2525) and CLIENT an IPv4/IPv6 address or "unknown".
        int first = LineSpan.FindIn(line, open, close, ":"u8);
        if (first < 0)
        {
            return EventKind.Unknown;
        }
        int split = first;
        if (LineSpan.IsAt(line, open, (byte)'['))
        {
            // [addr]:port:client
            int bracket = LineSpan.FindIn(line, open, close, "]:"u8);
            split = bracket < 0 ? -1 : LineSpan.FindIn(line, bracket + 2, close, ":"u8);
        }
        else if (line.Slice(open, first - open).Contains((byte)'.'))
        {
            // a.b.c.d:port:client
            split = LineSpan.FindIn(line, first + 1, close, ":"u8);
        }
        if (split < 0)
        {
            return EventKind.Unknown;
        }
        ev.Detail = LineSpan.Range(open, split);
        ev.ClientIp = LineSpan.Range(split + 1, close);
        ev.Text = LineSpan.Range(stat, forAt);
        return EventKind.AnvilStatistics;
    }
}
