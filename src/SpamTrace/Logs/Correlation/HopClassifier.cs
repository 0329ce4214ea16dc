namespace SpamTrace.Logs.Correlation;

/// <summary>Decides where a delivery went from the delivery agent, its relay and its reply.</summary>
internal static class HopClassifier
{
    /// <param name="agent">The delivery agent's name (smtp, lmtp, local...).</param>
    /// <param name="relay">The relay= value: "host[ip]:port", "none", "local", "private/dovecot-lmtp"...</param>
    /// <param name="reply">The text in parentheses after status=.</param>
    /// <param name="queuedAs">True when the reply names a queue ID the mail was queued as.</param>
    public static HopKind Classify(ReadOnlySpan<char> agent, ReadOnlySpan<char> relay, ReadOnlySpan<char> reply, bool queuedAs)
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
            return reply.Contains("delivery temporarily suspended", StringComparison.OrdinalIgnoreCase) ? HopKind.Remote : HopKind.None;
        }
        var loopback = IsLoopbackRelay(relay);
        if (loopback)
        {
            // A hop back into this host: amavis (10024 -> 10025) or another local instance. Without a
            // "queued as" it was discarded or blocked by the filter; still not mail leaving the server.
            if (agent is "lmtp" && !queuedAs)
            {
                return HopKind.Local;
            }
            return HopKind.ContentFilter;
        }
        if (agent is "lmtp" && !relay.Contains('['))
        {
            return HopKind.Local; // lmtp over a unix socket: the mailbox store (Dovecot).
        }
        return HopKind.Remote;
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
