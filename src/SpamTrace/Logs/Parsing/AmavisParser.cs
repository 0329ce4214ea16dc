namespace SpamTrace.Logs.Parsing;

/// <summary>
/// amavisd-new's per-message result, e.g.
/// <c>(01234-05) Passed CLEAN {RelayedInbound}, [1.2.3.4]:5678 [1.2.3.4] &lt;from&gt; -&gt; &lt;to&gt;,&lt;to2&gt;, Queue-ID: QID,
/// Message-ID: &lt;id&gt;, mail_id: X, Hits: -1.2, size: 1234, queued_as: NEWID, 250 ms</c>.
/// Every other amavis line (startup, SpamAssassin timing, TROUBLE, per-part notes) is Ignored.
/// </summary>
internal static class AmavisParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        if (LineSpan.IsAt(line, p, (byte)'('))
        {
            int close = LineSpan.Find(line, p, ") "u8);
            if (close > 0 && close - p < 40)
            {
                p = close + 2;
            }
        }
        int category;
        if (LineSpan.At(line, p, "Passed "u8))
        {
            ev.Action = LineSpan.Range(p, p + 6);
            category = p + 7;
        }
        else if (LineSpan.At(line, p, "Blocked "u8))
        {
            ev.Action = LineSpan.Range(p, p + 7);
            category = p + 8;
        }
        else
        {
            return EventKind.Ignored;
        }
        int arrow = LineSpan.Find(line, category, " -> "u8);
        if (arrow < 0)
        {
            return EventKind.Unknown;
        }
        int comma = LineSpan.FindIn(line, category, arrow, ", "u8);
        int brace = LineSpan.FindIn(line, category, arrow, " {"u8);
        int categoryEnd = comma < 0 ? arrow : comma;
        if (brace >= 0 && brace < categoryEnd)
        {
            categoryEnd = brace;
        }
        ev.Text = LineSpan.Trimmed(line, category, categoryEnd);

        int open = LineSpan.FindIn(line, categoryEnd, arrow, "["u8);
        if (open >= 0)
        {
            HostAddress.ParseClient(line, open, ref ev);
        }
        int fromOpen = LineSpan.FindLastIn(line, categoryEnd, arrow, "<"u8);
        if (fromOpen >= 0 && line[arrow - 1] == (byte)'>')
        {
            ev.From = LineSpan.Range(fromOpen + 1, arrow - 1);
        }
        int to = arrow + 4;
        int toEnd = LineSpan.Find(line, to, ", "u8);
        if (toEnd < 0)
        {
            toEnd = LineSpan.TrimEnd(line, to, line.Length);
        }
        // One recipient: the address; several: the raw "<a>,<b>" list.
        if (toEnd - to >= 2 && line[to] == (byte)'<' && line[toEnd - 1] == (byte)'>' && LineSpan.FindIn(line, to + 1, toEnd, "<"u8) < 0)
        {
            ev.To = LineSpan.Range(to + 1, toEnd - 1);
        }
        else
        {
            ev.To = LineSpan.Range(to, toEnd);
        }

        // amavis writes Queue-ID, Message-ID and queued_as in that order: each search starts where the previous stopped.
        int rest = toEnd;
        int qid = LineSpan.Find(line, rest, "Queue-ID: "u8);
        if (qid >= 0)
        {
            ev.QueueId = QueueIdParser.TokenAt(line, qid + 10);
            rest = qid + 10;
        }
        int mid = LineSpan.Find(line, rest, "Message-ID: <"u8);
        if (mid >= 0)
        {
            int v = mid + 13;
            int end = LineSpan.Find(line, v, ">, "u8);
            ev.MessageId = LineSpan.Range(v, end < 0 ? LineSpan.Until(line, v, (byte)'>') : end);
            rest = ev.MessageId.Start + ev.MessageId.Length;
        }
        int queuedAs = LineSpan.Find(line, rest, "queued_as: "u8);
        if (queuedAs >= 0)
        {
            ev.OtherQueueId = QueueIdParser.TokenAt(line, queuedAs + 11);
        }
        return EventKind.AmavisResult;
    }
}
