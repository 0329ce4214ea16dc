namespace SpamTrace.Logs.Parsing;

/// <summary>
/// Postfix run with -v (or debug_peer_list) logs its internals: function traces ("name_with_underscore: ..."),
/// the attribute protocol ("send attr x = y", "input attribute name: x", "private/rewrite socket: wanted attribute: x"),
/// the SMTP dialogue ("&lt; host[ip]: MAIL FROM:...", "&gt; host[ip]: 250 Ok"), configuration dumps ("name = value")
/// and process housekeeping. They carry nothing for the analysis and are recognised by these exact shapes only.
/// </summary>
internal static class VerboseTrace
{
    public static bool Is(ReadOnlySpan<byte> line, int p)
    {
        if (p >= line.Length)
        {
            return false;
        }
        return line[p] switch
        {
            (byte)'<' or (byte)'>' => LineSpan.At(line, p, "< "u8) || LineSpan.At(line, p, "> "u8) || LineSpan.At(line, p, ">>> "u8),
            (byte)'i' => LineSpan.At(line, p, "input attribute "u8) || LineSpan.At(line, p, "idle timeout -- exiting"u8),
            (byte)'s' => LineSpan.At(line, p, "send attr "u8) || LineSpan.At(line, p, "start sorted recipient list"u8)
                || LineSpan.At(line, p, "start move queue "u8),
            (byte)'e' => LineSpan.At(line, p, "end sorted recipient list"u8) || LineSpan.At(line, p, "end move queue "u8),
            (byte)'c' => LineSpan.At(line, p, "connect to subsystem "u8) || LineSpan.At(line, p, "connection established"u8)
                || LineSpan.At(line, p, "connection closed"u8),
            (byte)'d' => LineSpan.At(line, p, "done incoming queue scan"u8) || LineSpan.At(line, p, "done deferred queue scan"u8),
            (byte)'r' => LineSpan.At(line, p, "request: "u8) || LineSpan.At(line, p, "request ignored"u8)
                || (LineSpan.At(line, p, "rewrite stream disconnect"u8)),
            (byte)'p' => LineSpan.At(line, p, "process generation: "u8) || LineSpan.At(line, p, "proxymap stream disconnect"u8),
            (byte)'m' => LineSpan.At(line, p, "mynetworks: "u8) || LineSpan.At(line, p, "master disconnect -- exiting"u8),
            (byte)'w' => LineSpan.At(line, p, "wakeup "u8),
            (byte)'f' => LineSpan.At(line, p, "fsspace: "u8),
            (byte)'h' => LineSpan.At(line, p, "host name lookup methods: "u8),
            (byte)'o' => LineSpan.At(line, p, "open incoming/"u8),
            (byte)'b' => LineSpan.At(line, p, "before input_transp_cleanup: "u8),
            (byte)'a' => LineSpan.At(line, p, "after input_transp_cleanup: "u8),
            (byte)'C' => LineSpan.At(line, p, "Compiled against "u8),
            (byte)'R' => LineSpan.At(line, p, "Run-time linked against "u8),
            _ => false,
        } || IsFunctionTrace(line, p) || IsSocketTrace(line, p) || IsSettingDump(line, p);
    }

    /// <summary>"name_with_underscore: ..." (a C function name).</summary>
    private static bool IsFunctionTrace(ReadOnlySpan<byte> line, int p)
    {
        int end = IdentifierEnd(line, p, out bool underscore);
        return underscore && LineSpan.IsAt(line, end, (byte)':');
    }

    /// <summary>"private/rewrite socket: wanted attribute: ...", "smtp socket: wanted attribute: ...".</summary>
    private static bool IsSocketTrace(ReadOnlySpan<byte> line, int p)
    {
        int space = LineSpan.Find(line, p, (byte)' ');
        return space > p && LineSpan.At(line, space, " socket: wanted attribute: "u8);
    }

    /// <summary>"parameter_name = value" (smtpd -v dumps its settings).</summary>
    private static bool IsSettingDump(ReadOnlySpan<byte> line, int p)
    {
        int end = IdentifierEnd(line, p, out bool underscore);
        return underscore && LineSpan.At(line, end, " = "u8);
    }

    private static int IdentifierEnd(ReadOnlySpan<byte> line, int p, out bool underscore)
    {
        underscore = false;
        int i = p;
        for (; i < line.Length; i++)
        {
            byte b = line[i];
            if (b == (byte)'_')
            {
                underscore = true;
            }
            else if (!((uint)(b - 'a') <= 'z' - 'a' || LineSpan.IsDigit(b)))
            {
                break;
            }
        }
        return i;
    }
}
