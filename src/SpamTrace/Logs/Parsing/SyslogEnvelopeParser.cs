using System.Buffers;

namespace SpamTrace.Logs.Parsing;

/// <summary>
/// The syslog envelope: <c>TIMESTAMP HOST TAG[PID]: MESSAGE</c> (the pid is optional). TAG is the whole
/// program name (<c>postfix/submission/smtpd</c>, <c>postfix-out/smtp</c>, <c>dovecot</c>).
/// </summary>
internal static class SyslogEnvelopeParser
{
    private static readonly SearchValues<byte> TagEnd = SearchValues.Create("[: "u8);

    /// <summary>Fills Time, Host, Program, Daemon and Pid; <paramref name="payload"/> is the index of the message.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, ref LogEvent ev, out int payload)
    {
        payload = 0;
        if (!TimestampParser.TryParse(line, out ev.Time, out int pos) || !LineSpan.IsAt(line, pos, (byte)' '))
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
        ev.Program = LineSpan.Range(pos, tagEnd);
        int slash = line.Slice(pos, i).LastIndexOf((byte)'/');
        ev.Daemon = slash < 0 ? ev.Program : LineSpan.Range(pos + slash + 1, tagEnd);
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
}
