using System.Buffers;

namespace SpamTrace.Logs.Parsing;

/// <summary>
/// The syslog envelope: <c>TIMESTAMP HOST TAG[PID]: MESSAGE</c> (the pid is optional). TAG is the whole
/// program name (<c>postfix/submission/smtpd</c>, <c>postfix-out/smtp</c>, <c>dovecot</c>). Also with a leading
/// <c>&lt;PRI&gt;</c> (files written from the network without a template), and RFC 5424
/// (<c>&lt;PRI&gt;1 TIMESTAMP HOST APP PROCID MSGID [SD] MESSAGE</c>, rsyslog's RSYSLOG_SyslogProtocol23Format).
/// </summary>
internal static class SyslogEnvelopeParser
{
    private static readonly SearchValues<byte> TagEnd = SearchValues.Create("[: "u8);

    /// <summary>Fills Time, Host, Program, Daemon and Pid; <paramref name="payload"/> is the index of the message.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, ref LogEvent ev, out int payload)
    {
        payload = 0;
        var start = 0;
        if (line.Length > 0 && line[0] == (byte)'<')
        {
            start = PriorityEnd(line);
            if (start < 0)
            {
                return false;
            }
            if (LineSpan.At(line, start, "1 "u8))
            {
                return TryParse5424(line, start + 2, ref ev, out payload);
            }
        }
        if (!TimestampParser.TryParse(line[start..], out ev.Time, out int pos))
        {
            return false;
        }
        pos += start;
        if (!LineSpan.IsAt(line, pos, (byte)' '))
        {
            return false;
        }
        pos = LineSpan.SkipSpaces(line, pos);
        int hostEnd = LineSpan.Find(line, pos, (byte)' ');
        if (hostEnd <= pos)
        {
            return false;
        }
        ev.Host = LineSpan.Range(pos, hostEnd);
        pos = hostEnd + 1;
        int i = line.Slice(pos).IndexOfAny(TagEnd);
        if (i <= 0)
        {
            return false;
        }
        int tagEnd = pos + i;
        SetProgram(line, pos, tagEnd, ref ev);
        pos = tagEnd;
        if (line[pos] == (byte)'[')
        {
            int after = LineSpan.ParseInt(line, pos + 1, out int pid);
            if (after < 0 || !LineSpan.IsAt(line, after, (byte)']'))
            {
                return false;
            }
            ev.Pid = pid;
            pos = after + 1;
        }
        if (!LineSpan.IsAt(line, pos, (byte)':'))
        {
            return false;
        }
        payload = LineSpan.SkipSpaces(line, pos + 1);
        return true;
    }

    /// <summary>The whole tag as the program, and its last path component as the daemon ("postfix/submission/smtpd" -> "smtpd").</summary>
    private static void SetProgram(ReadOnlySpan<byte> line, int start, int end, ref LogEvent ev)
    {
        ev.Program = LineSpan.Range(start, end);
        int slash = line[start..end].LastIndexOf((byte)'/');
        ev.Daemon = slash < 0 ? ev.Program : LineSpan.Range(start + slash + 1, end);
    }

    /// <summary>The index after "&lt;PRI&gt;" (1-3 digits), or -1.</summary>
    private static int PriorityEnd(ReadOnlySpan<byte> line)
    {
        var close = line[..Math.Min(line.Length, 5)].IndexOf((byte)'>');
        if (close < 2)
        {
            return -1;
        }
        foreach (var b in line[1..close])
        {
            if (!LineSpan.IsDigit(b))
            {
                return -1;
            }
        }
        return close + 1;
    }

    /// <summary>RFC 5424 after "&lt;PRI&gt;1 ": TIMESTAMP HOST APP-NAME PROCID MSGID STRUCTURED-DATA MSG; "-" is a nil field.</summary>
    private static bool TryParse5424(ReadOnlySpan<byte> line, int pos, ref LogEvent ev, out int payload)
    {
        payload = 0;
        if (!TimestampParser.TryParse(line[pos..], out ev.Time, out int used) || !LineSpan.IsAt(line, pos + used, (byte)' '))
        {
            return false;
        }
        pos += used + 1;
        var hostEnd = LineSpan.Find(line, pos, (byte)' ');
        var appEnd = hostEnd < 0 ? -1 : LineSpan.Find(line, hostEnd + 1, (byte)' ');
        var procEnd = appEnd < 0 ? -1 : LineSpan.Find(line, appEnd + 1, (byte)' ');
        var msgIdEnd = procEnd < 0 ? -1 : LineSpan.Find(line, procEnd + 1, (byte)' ');
        if (msgIdEnd < 0 || hostEnd <= pos || appEnd <= hostEnd + 1)
        {
            return false;
        }
        ev.Host = LineSpan.Range(pos, hostEnd);
        SetProgram(line, hostEnd + 1, appEnd, ref ev);
        if (LineSpan.ParseInt(line, appEnd + 1, out int pid) == procEnd)
        {
            ev.Pid = pid;
        }
        var sdEnd = StructuredDataEnd(line, msgIdEnd + 1);
        if (sdEnd < 0)
        {
            return false;
        }
        payload = sdEnd < line.Length ? sdEnd + 1 : sdEnd;
        if (LineSpan.At(line, payload, "\uFEFF"u8))
        {
            payload += 3;
        }
        return true;
    }

    /// <summary>The index after the structured data ("-" or one or more [id param="value"] elements, with \] escapes), or -1.</summary>
    private static int StructuredDataEnd(ReadOnlySpan<byte> line, int pos)
    {
        if (LineSpan.IsAt(line, pos, (byte)'-'))
        {
            return pos + 1;
        }
        while (LineSpan.IsAt(line, pos, (byte)'['))
        {
            var quoted = false;
            pos++;
            while (pos < line.Length && (quoted || line[pos] != (byte)']'))
            {
                if (line[pos] == (byte)'\\')
                {
                    pos++;
                }
                else if (line[pos] == (byte)'"')
                {
                    quoted = !quoted;
                }
                pos++;
            }
            if (pos >= line.Length)
            {
                return -1;
            }
            pos++;
        }
        return pos;
    }
}
