namespace SpamTrace.Logs.Parsing;

/// <summary>
/// The access-restriction/milter verdict shared by smtpd, postscreen and cleanup:
/// <c>ACTION: STAGE from name[ip]: [CODE [D.S.N]] TEXT; from=&lt;&gt; to=&lt;&gt; proto=X helo=&lt;&gt;</c>, and the
/// before-queue proxy form <c>proxy-accept: END-OF-MESSAGE: 250 2.0.0 Ok: queued as X; from=...</c>.
/// </summary>
internal static class RejectParser
{
    /// <summary>Fills Action, Detail (stage), client, Code, Text and the envelope tail. False when the shape does not match.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        int actionEnd = p;
        while (actionEnd < line.Length && line[actionEnd] is (>= (byte)'a' and <= (byte)'z') or (byte)'-' or (byte)'_')
        {
            actionEnd++;
        }
        if (actionEnd == p || !LineSpan.At(line, actionEnd, ": "u8))
        {
            return false;
        }
        ev.Action = LineSpan.Range(p, actionEnd);
        int stage = LineSpan.SkipSpaces(line, actionEnd + 2);
        int stageEnd = stage;
        while (stageEnd < line.Length && line[stageEnd] is not ((byte)' ' or (byte)':'))
        {
            stageEnd++;
        }
        if (stageEnd == stage || stageEnd >= line.Length)
        {
            return false;
        }
        ev.Detail = LineSpan.Range(stage, stageEnd);
        int text;
        if (line[stageEnd] == (byte)':')
        {
            // proxy-accept/proxy-reject: no client named on the line. Only they have this shape.
            if (!LineSpan.At(line, p, "proxy-"u8))
            {
                return false;
            }
            text = stageEnd + 1;
        }
        else
        {
            int from = LineSpan.SkipSpaces(line, stageEnd);
            if (!LineSpan.At(line, from, "from "u8))
            {
                return false;
            }
            int after = HostAddress.ParseClient(line, from + 5, ref ev);
            if (after < 0 || !LineSpan.IsAt(line, after, (byte)':'))
            {
                return false;
            }
            text = after + 1;
        }
        text = LineSpan.SkipSpaces(line, text);
        int tail = KeyValueParser.FindTail(line, text, line.Length);
        int textEnd = tail < 0 ? line.Length : tail;
        text = ParseCode(line, text, textEnd, ref ev);
        ev.Text = LineSpan.Trimmed(line, text, textEnd);
        if (tail >= 0)
        {
            KeyValueParser.ParseEnvelope(line, tail + 1, ref ev);
        }
        if (ev.Action.Length == 12 && LineSpan.At(line, ev.Action.Start, "proxy-accept"u8))
        {
            ev.OtherQueueId = ReplyText.QueuedAs(line, ev.Text.Start, ev.Text.Start + ev.Text.Length);
        }
        return true;
    }

    /// <summary>"550 5.7.1 " or "550 " or "5.7.1 " at the start of a reply: sets Code, returns where the text starts.</summary>
    public static int ParseCode(ReadOnlySpan<byte> line, int pos, int end, ref LogEvent ev)
    {
        int start = pos;
        int codeEnd = -1;
        if (pos + 3 <= end && LineSpan.IsDigit(line[pos]) && LineSpan.IsDigit(line[pos + 1]) && LineSpan.IsDigit(line[pos + 2])
            && (pos + 3 == end || line[pos + 3] == (byte)' '))
        {
            codeEnd = pos + 3;
            pos = LineSpan.SkipSpaces(line, pos + 3);
        }
        int dsnEnd = EnhancedStatusEnd(line, pos, end);
        if (dsnEnd > 0)
        {
            codeEnd = dsnEnd;
            pos = LineSpan.SkipSpaces(line, dsnEnd);
        }
        if (codeEnd > 0)
        {
            ev.Code = LineSpan.Range(start, codeEnd);
            return pos;
        }
        return start;
    }

    /// <summary>End of an enhanced status code (2.0.0, 5.7.25, 5.12.345) at <paramref name="pos"/> followed by a space or the end, else -1.</summary>
    private static int EnhancedStatusEnd(ReadOnlySpan<byte> line, int pos, int end)
    {
        if (pos + 5 > end || line[pos] is not ((byte)'2' or (byte)'4' or (byte)'5') || line[pos + 1] != (byte)'.')
        {
            return -1;
        }
        int i = pos + 2;
        int d = 0;
        while (i < end && LineSpan.IsDigit(line[i]) && d < 3)
        {
            i++;
            d++;
        }
        if (d == 0 || i >= end || line[i] != (byte)'.')
        {
            return -1;
        }
        i++;
        d = 0;
        while (i < end && LineSpan.IsDigit(line[i]) && d < 3)
        {
            i++;
            d++;
        }
        if (d == 0 || (i < end && line[i] != (byte)' '))
        {
            return -1;
        }
        return i;
    }
}
