namespace SpamTrace.Logs.Correlation;

/// <summary>Decides where a delivery went from the delivery agent, its relay and its reply.</summary>
internal static class HopClassifier
{
    /// <param name="agent">The delivery agent's name (smtp, lmtp, local...).</param>
    /// <param name="relay">The relay= value: "host[ip]:port", "none", "local", "private/dovecot-lmtp"...</param>
    /// <param name="reply">The text in parentheses after status=.</param>
    /// <param name="queuedAs">True when the reply names a queue ID the mail was queued as.</param>
    /// <param name="queuedHere">True when that queue ID is a message this host's log already knows (the re-injected copy).</param>
    public static HopKind Classify(ReadOnlySpan<char> agent, ReadOnlySpan<char> relay, ReadOnlySpan<char> reply, bool queuedAs, bool queuedHere) =>
        Classify(agent, relay, HintsOf(reply), queuedAs, queuedHere);

    /// <summary>What <see cref="Classify(ReadOnlySpan{char}, ReadOnlySpan{char}, ReplyHints, bool, bool)"/> needs to know of a reply.</summary>
    [Flags]
    public enum ReplyHints
    {
        None = 0,
        /// <summary>error(8)/retry(8): "delivery temporarily suspended" (the destination failed before).</summary>
        Suspended = 1,
        /// <summary>amavis' answer on re-injection: "from MTA(smtp:[127.0.0.1]:10025): 250 ... queued as X".</summary>
        FromMta = 2,
    }

    /// <summary>The hints of a reply given as text (tests, callers without the log's bytes): read from its UTF-8 form.</summary>
    public static ReplyHints HintsOf(ReadOnlySpan<char> reply)
    {
        Span<byte> small = stackalloc byte[256];
        var utf8 = System.Text.Encoding.UTF8.GetMaxByteCount(reply.Length) <= small.Length ? small : new byte[System.Text.Encoding.UTF8.GetMaxByteCount(reply.Length)];
        return HintsOf(utf8[..System.Text.Encoding.UTF8.GetBytes(reply, utf8)]);
    }

    public static ReplyHints HintsOf(ReadOnlySpan<byte> reply) =>
        (ContainsIgnoreCase(reply, "delivery temporarily suspended"u8) ? ReplyHints.Suspended : ReplyHints.None)
        | (reply.IndexOf("from MTA("u8) >= 0 ? ReplyHints.FromMta : ReplyHints.None);

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> asciiLowerNeedle)
    {
        for (var i = 0; i <= text.Length - asciiLowerNeedle.Length; i++)
        {
            var next = text[i..].IndexOfAny(asciiLowerNeedle[0], (byte)(asciiLowerNeedle[0] - 32));
            if (next < 0 || i + next > text.Length - asciiLowerNeedle.Length)
            {
                return false;
            }
            i += next;
            if (System.Text.Ascii.EqualsIgnoreCase(text.Slice(i, asciiLowerNeedle.Length), asciiLowerNeedle))
            {
                return true;
            }
        }
        return false;
    }

    public static HopKind Classify(ReadOnlySpan<char> agent, ReadOnlySpan<char> relay, ReplyHints reply, bool queuedAs, bool queuedHere)
    {
        if (agent is "local" or "virtual" or "pipe")
        {
            return HopKind.Local;
        }
        if (agent is "discard")
        {
            return HopKind.None;
        }
        if (agent is "error" or "retry")
        {
            // Postfix hands mail to error(8) when the destination was suspended after a failure:
            // the mail was going out, so it still counts as outbound.
            return (reply & ReplyHints.Suspended) != 0 ? HopKind.Remote : HopKind.None;
        }
        var loopback = IsLoopbackRelay(relay);
        // A hop back into this host: the copy it was queued as is ours (amavis 10024 -> 10025 says
        // "from MTA(...): 250 ... queued as X", and X's smtpd line comes before this one).
        if (queuedAs && (queuedHere || (loopback && ((reply & ReplyHints.FromMta) != 0 || IsFilterPort(relay)))))
        {
            return HopKind.ContentFilter;
        }
        if (loopback)
        {
            if (agent is "lmtp")
            {
                return HopKind.Local; // Dovecot LMTP on 127.0.0.1:24.
            }
            if (IsFilterPort(relay))
            {
                return HopKind.ContentFilter; // The filter kept it (discarded or blocked): it did not leave.
            }
            // Anything else on loopback port 25/587 is another MTA that sends on (a local smarthost, a proxy):
            // the mail is leaving.
            return HopKind.Remote;
        }
        if (agent is "lmtp" && !relay.Contains('['))
        {
            return HopKind.Local; // lmtp over a unix socket: the mailbox store (Dovecot).
        }
        return HopKind.Remote;
    }

    /// <summary>The ports content filters listen on by convention: amavis 10024, 10026 (ORIGINATING), and their neighbours.</summary>
    private static bool IsFilterPort(ReadOnlySpan<char> relay)
    {
        var colon = relay.LastIndexOf(':');
        if (colon < 0 || relay.LastIndexOf(']') > colon)
        {
            return false;
        }
        var port = relay[(colon + 1)..];
        return port is "10024" or "10026" or "10028" or "10030" or "10032" or "10034" or "10040" or "11332";
    }

    /// <summary>True for relays on this host: 127.0.0.0/8, ::1, localhost, or a unix socket path.</summary>
    public static bool IsLoopbackRelay(ReadOnlySpan<char> relay)
    {
        if (relay.IsEmpty || relay is "none")
        {
            return false;
        }
        if (relay is "local")
        {
            return true;
        }
        var open = relay.IndexOf('[');
        if (open < 0)
        {
            return relay.StartsWith("private/", StringComparison.Ordinal) || relay.StartsWith("public/", StringComparison.Ordinal)
                || relay.StartsWith('/');
        }
        var close = relay[(open + 1)..].IndexOf(']');
        var ip = close < 0 ? relay[(open + 1)..] : relay.Slice(open + 1, close);
        if (ip.StartsWith("ipv6:", StringComparison.OrdinalIgnoreCase))
        {
            ip = ip[5..];
        }
        return ip.StartsWith("127.", StringComparison.Ordinal) || ip is "::1" || ip.StartsWith("::ffff:127.", StringComparison.OrdinalIgnoreCase)
            || ip.StartsWith("private/", StringComparison.Ordinal) || ip.StartsWith('/');
    }
}
