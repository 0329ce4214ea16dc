namespace SpamTrace.Logs.Parsing;

/// <summary>cleanup: message-id, resent-message-id, header/body_checks actions and milter actions.</summary>
internal static class CleanupParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        if (LineSpan.At(line, p, "message-id="u8))
        {
            ev.MessageId = IdValue(line, p + 11);
            return EventKind.CleanupMessageId;
        }
        if (LineSpan.At(line, p, "resent-message-id="u8))
        {
            ev.Action = LineSpan.Range(p, p + 17);
            ev.MessageId = IdValue(line, p + 18);
            return EventKind.CleanupMessageId;
        }
        bool milter = LineSpan.At(line, p, "milter-"u8);
        int colon = LineSpan.Find(line, p, (byte)':');
        if (colon <= p || colon - p > 24 || !(milter || IsCheckAction(line.Slice(p, colon - p))))
        {
            return EventKind.Unknown;
        }
        var kind = milter ? EventKind.MilterAction : EventKind.CleanupAction;
        int what = LineSpan.SkipSpaces(line, colon + 1);
        if (LineSpan.At(line, what, "header "u8) || LineSpan.At(line, what, "body "u8) || LineSpan.At(line, what, "content "u8)
            || LineSpan.At(line, what, "mime-header "u8) || LineSpan.At(line, what, "nested-header "u8))
        {
            ev.Action = LineSpan.Range(p, colon);
            return ParseCheck(line, what, ref ev) ? kind : EventKind.Unknown;
        }
        // Milter verdicts in the smtpd shape: "milter-reject: END-OF-MESSAGE from name[ip]: 5.7.1 text; from=<>...".
        return RejectParser.TryParse(line, p, ref ev) ? kind : EventKind.Unknown;
    }

    /// <summary>"header|body TEXT from CLIENT; from=&lt;&gt; to=&lt;&gt; proto=X helo=&lt;&gt;[: reason]".</summary>
    private static bool ParseCheck(ReadOnlySpan<byte> line, int what, ref LogEvent ev)
    {
        int tail = KeyValueParser.FindTail(line, what, line.Length);
        int textEnd = tail < 0 ? line.Length : tail;
        int from = LineSpan.FindLastIn(line, what, textEnd, " from "u8);
        if (from >= 0)
        {
            int client = from + 6;
            int clientEnd = LineSpan.TrimEnd(line, client, textEnd);
            if (HostAddress.ParseClient(line, client, ref ev) < 0)
            {
                ev.ClientName = LineSpan.Range(client, clientEnd);
            }
            textEnd = from;
        }
        ev.Text = LineSpan.Trimmed(line, what, textEnd);
        if (tail >= 0)
        {
            int stop = KeyValueParser.ParseEnvelope(line, tail + 1, ref ev);
            if (LineSpan.IsAt(line, stop, (byte)':'))
            {
                ev.Detail = LineSpan.Trimmed(line, stop + 1, line.Length);
            }
        }
        return true;
    }

    /// <summary>The value of message-id=: the inside of &lt;...&gt;, or the raw text when it is not bracketed.</summary>
    private static TextRange IdValue(ReadOnlySpan<byte> line, int pos)
    {
        int end = LineSpan.TrimEnd(line, pos, line.Length);
        if (end - pos >= 2 && line[pos] == (byte)'<' && line[end - 1] == (byte)'>')
        {
            return LineSpan.Range(pos + 1, end - 1);
        }
        return LineSpan.Range(pos, end);
    }

    private static bool IsCheckAction(ReadOnlySpan<byte> a) =>
        a.SequenceEqual("info"u8) || a.SequenceEqual("warning"u8) || a.SequenceEqual("reject"u8) || a.SequenceEqual("hold"u8)
        || a.SequenceEqual("discard"u8) || a.SequenceEqual("redirect"u8) || a.SequenceEqual("filter"u8)
        || a.SequenceEqual("replace"u8) || a.SequenceEqual("prepend"u8) || a.SequenceEqual("bcc"u8) || a.SequenceEqual("strip"u8)
        || a.SequenceEqual("dunno"u8);
}
