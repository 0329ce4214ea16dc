namespace SpamTrace.Logs.Parsing;

/// <summary>
/// dovecot lines that matter for SASL abuse: password failures of the auth process
/// (<c>auth: passwd-file(user,1.2.3.4): unknown user</c>, <c>auth-worker(9): sql(user,ip,&lt;s&gt;): Password mismatch</c>),
/// failed and successful logins of the *-login processes (<c>imap-login: Login: user=&lt;u&gt;, method=PLAIN, rip=ip</c>).
/// Everything else dovecot says is Ignored.
/// </summary>
internal static class DovecotParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        // "dovecot: imap-login: ..." (the process in the message) or "imap-login: ..." (the process as the tag).
        var tag = ev.Program.Of(line);
        ReadOnlySpan<byte> name;
        int msg;
        if (tag.EndsWith("-login"u8))
        {
            name = tag;
            msg = p;
        }
        else
        {
            int colon = LineSpan.Find(line, p, ": "u8);
            if (colon < 0)
            {
                return EventKind.Ignored;
            }
            name = line.Slice(p, colon - p);
            msg = colon + 2;
        }
        // Dovecot's own severities: errors (database down, config) are not password failures.
        if (LineSpan.At(line, msg, "Error: "u8) || LineSpan.At(line, msg, "Warning: "u8) || LineSpan.At(line, msg, "Fatal: "u8)
            || LineSpan.At(line, msg, "Panic: "u8) || LineSpan.At(line, msg, "Debug: "u8))
        {
            return EventKind.Ignored;
        }
        if (LineSpan.At(line, msg, "Info: "u8))
        {
            msg += 6;
        }
        if (name.EndsWith("-login"u8))
        {
            return ParseLogin(line, msg, ref ev);
        }
        if (name.StartsWith("auth"u8))
        {
            return ParseAuth(line, msg, ref ev);
        }
        return EventKind.Ignored;
    }

    private static EventKind ParseLogin(ReadOnlySpan<byte> line, int msg, ref LogEvent ev)
    {
        bool login = LineSpan.At(line, msg, "Login: "u8);
        bool failed = !login && LineSpan.Find(line, msg, "auth failed"u8) >= 0;
        if (!login && !failed)
        {
            return EventKind.Ignored;
        }
        int user = LineSpan.Find(line, msg, "user=<"u8);
        if (user >= 0)
        {
            int v = user + 6;
            ev.SaslUser = LineSpan.Range(v, LineSpan.Until(line, v, (byte)'>'));
        }
        int rip = LineSpan.Find(line, msg, "rip="u8);
        if (rip >= 0)
        {
            int v = rip + 4;
            int end = v;
            while (end < line.Length && line[end] is not ((byte)',' or (byte)' '))
            {
                end++;
            }
            ev.ClientIp = LineSpan.Range(v, end);
        }
        int textEnd = LineSpan.Find(line, msg, ": user="u8);
        ev.Text = LineSpan.Trimmed(line, msg, textEnd < 0 ? line.Length : textEnd);
        return login ? EventKind.DovecotLogin : EventKind.DovecotAuthFailure;
    }

    /// <summary>"driver(user,ip[,&lt;session&gt;]): message" where the message names a failure.</summary>
    private static EventKind ParseAuth(ReadOnlySpan<byte> line, int msg, ref LogEvent ev)
    {
        int open = LineSpan.Find(line, msg, (byte)'(');
        int close = open < 0 ? -1 : LineSpan.Find(line, open, "): "u8);
        if (close < 0)
        {
            return EventKind.Ignored;
        }
        int text = close + 3;
        var message = line.Slice(text);
        if (!(message.IndexOf("ismatch"u8) >= 0 || message.IndexOf("unknown user"u8) >= 0 || message.IndexOf("failed"u8) >= 0))
        {
            return EventKind.Ignored;
        }
        int comma = LineSpan.FindIn(line, open + 1, close, ","u8);
        ev.SaslUser = LineSpan.Range(open + 1, comma < 0 ? close : comma);
        if (comma >= 0)
        {
            int ipEnd = LineSpan.FindIn(line, comma + 1, close, ","u8);
            ev.ClientIp = LineSpan.Range(comma + 1, ipEnd < 0 ? close : ipEnd);
        }
        ev.Text = LineSpan.Trimmed(line, text, line.Length);
        return EventKind.DovecotAuthFailure;
    }
}
