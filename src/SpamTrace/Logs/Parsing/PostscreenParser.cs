namespace SpamTrace.Logs.Parsing;

/// <summary>
/// postscreen: CONNECT, PASS NEW/OLD, DNSBL rank, PREGREET, HANGUP, COMMAND ... LIMIT, allow/deny list verdicts,
/// DISCONNECT (PostscreenEvent: Action = the upper-case verb, ClientIp/ClientPort, Text = the whole message),
/// and "NOQUEUE: reject: RCPT from [ip]:port: ..." (SmtpdReject with Daemon = postscreen).
/// </summary>
internal static class PostscreenParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev, bool noQueue)
    {
        if (noQueue)
        {
            return RejectParser.TryParse(line, p, ref ev) ? EventKind.SmtpdReject : EventKind.Unknown;
        }
        if (LineSpan.At(line, p, "cache "u8) || LineSpan.At(line, p, "using backwards-compatible"u8))
        {
            return EventKind.Ignored;
        }
        // The verb: one or more upper-case words ("COMMAND TIME LIMIT", "NON-SMTP COMMAND", "PASS NEW").
        int verbEnd = p;
        int i = p;
        while (i < line.Length && (LineSpan.IsUpper(line[i]) || line[i] == (byte)'-'))
        {
            while (i < line.Length && (LineSpan.IsUpper(line[i]) || line[i] == (byte)'-'))
            {
                i++;
            }
            verbEnd = i;
            if (!LineSpan.IsAt(line, i, (byte)' '))
            {
                break;
            }
            i++;
        }
        if (verbEnd == p)
        {
            return EventKind.Unknown;
        }
        int open = LineSpan.Find(line, verbEnd, (byte)'[');
        if (open < 0 || HostAddress.ParseClient(line, open, ref ev) < 0)
        {
            return EventKind.Unknown;
        }
        ev.Action = LineSpan.Range(p, verbEnd);
        ev.Text = LineSpan.Trimmed(line, p, line.Length);
        return EventKind.PostscreenEvent;
    }
}
