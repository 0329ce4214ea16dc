namespace SpamTrace.Logs.Parsing;

/// <summary>
/// Delivery agents (smtp, lmtp, local, virtual, pipe, error, retry, discard): the per-recipient status line and
/// smtp's connection problems.
/// </summary>
internal static class DeliveryParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev, bool hasQueueId)
    {
        if (p >= line.Length)
        {
            return EventKind.Unknown;
        }
        if (hasQueueId && (LineSpan.At(line, p, "to="u8) || LineSpan.At(line, p, "status="u8)))
        {
            return ParseDelivery(line, p, ref ev);
        }
        switch (line[p])
        {
            case (byte)'h' when LineSpan.At(line, p, "host "u8):
                return ParseHostSaid(line, p + 5, ref ev);
            case (byte)'l' when LineSpan.At(line, p, "lost connection with "u8):
                return ParseConnectionLoss(line, p, p + 21, ref ev);
            case (byte)'c' when LineSpan.At(line, p, "conversation with "u8):
                return ParseConnectionLoss(line, p, p + 18, ref ev);
            case (byte)'c' when LineSpan.At(line, p, "connect to "u8):
                return ParseConnectFailure(line, p + 11, ref ev);
            case (byte)'S' when LineSpan.At(line, p, "SASL authentication failed; "u8) || LineSpan.At(line, p, "SASL [CACHED] authentication failed; "u8):
                {
                    int server = LineSpan.Find(line, p, "server "u8);
                    if (server >= 0 && HostAddress.Parse(line, server + 7, out _, out _, out _, out var relay) > 0)
                    {
                        ev.Relay = relay;
                    }
                    ev.Reply = LineSpan.Trimmed(line, p, line.Length);
                    int said = LineSpan.Find(line, p, " said: "u8);
                    if (said >= 0)
                    {
                        ev.Reply = LineSpan.Trimmed(line, said + 7, line.Length);
                    }
                    return EventKind.SmtpProblem;
                }
        }
        return IsIgnoredNote(line, p) ? EventKind.Ignored : EventKind.Unknown;
    }

    /// <summary>to=, orig_to=, relay=, conn_use=, delay=, delays=, dsn=, status=WORD (reply).</summary>
    public static EventKind ParseDelivery(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        int pos = p;
        while (pos < line.Length)
        {
            int eq = LineSpan.Find(line, pos, (byte)'=');
            if (eq < 0)
            {
                break;
            }
            var key = line.Slice(pos, eq - pos);
            int v = eq + 1;
            if (key.SequenceEqual("status"u8))
            {
                ParseStatus(line, v, ref ev);
                return ev.To.IsEmpty && ev.Status == DeliveryStatus.None ? EventKind.Unknown : EventKind.Delivery;
            }
            int next;
            TextRange value;
            if (LineSpan.IsAt(line, v, (byte)'<'))
            {
                int close = LineSpan.Find(line, v, ">, "u8);
                if (close < 0)
                {
                    close = LineSpan.Until(line, v, (byte)'>');
                }
                value = LineSpan.Range(v + 1, close);
                next = LineSpan.Find(line, close, ", "u8);
            }
            else
            {
                next = LineSpan.Find(line, v, ", "u8);
                value = LineSpan.Range(v, next < 0 ? LineSpan.TrimEnd(line, v, line.Length) : next);
            }
            switch (key.Length)
            {
                case 2 when key.SequenceEqual("to"u8):
                    ev.To = value;
                    break;
                case 7 when key.SequenceEqual("orig_to"u8):
                    ev.OrigTo = value;
                    break;
                case 5 when key.SequenceEqual("relay"u8):
                    ev.Relay = value;
                    break;
                case 5 when key.SequenceEqual("delay"u8):
                    ev.Delay = value;
                    break;
                case 6 when key.SequenceEqual("delays"u8):
                    ev.Delays = value;
                    break;
                case 3 when key.SequenceEqual("dsn"u8):
                    ev.Dsn = value;
                    break;
            }
            if (next < 0)
            {
                break;
            }
            pos = LineSpan.SkipSpaces(line, next + 2);
        }
        return ev.To.IsEmpty ? EventKind.Unknown : EventKind.Delivery;
    }

    private static void ParseStatus(ReadOnlySpan<byte> line, int v, ref LogEvent ev)
    {
        int end = v;
        while (end < line.Length && line[end] is not ((byte)' ' or (byte)','))
        {
            end++;
        }
        ev.Status = StatusOf(line.Slice(v, end - v));
        int lineEnd = LineSpan.TrimEnd(line, end, line.Length);
        int r = LineSpan.SkipSpaces(line, end);
        if (r >= lineEnd)
        {
            return;
        }
        // The reply is the rest of the line in parentheses; it can contain parentheses itself.
        if (line[r] == (byte)'(' && line[lineEnd - 1] == (byte)')')
        {
            ev.Reply = LineSpan.Range(r + 1, lineEnd - 1);
        }
        else
        {
            ev.Reply = LineSpan.Range(r, lineEnd);
        }
        ev.OtherQueueId = ReplyText.QueuedAs(line, ev.Reply.Start, ev.Reply.Start + ev.Reply.Length);
    }

    private static DeliveryStatus StatusOf(ReadOnlySpan<byte> s) => s.Length switch
    {
        4 when s.SequenceEqual("sent"u8) => DeliveryStatus.Sent,
        8 when s.SequenceEqual("deferred"u8) => DeliveryStatus.Deferred,
        7 when s.SequenceEqual("bounced"u8) => DeliveryStatus.Bounced,
        7 when s.SequenceEqual("expired"u8) => DeliveryStatus.Expired,
        11 when s.SequenceEqual("deliverable"u8) => DeliveryStatus.Deliverable,
        10 when s.SequenceEqual("SOFTBOUNCE"u8) => DeliveryStatus.SoftBounce,
        _ when s.StartsWith("undeliverable"u8) => DeliveryStatus.Undeliverable,
        0 => DeliveryStatus.None,
        _ => DeliveryStatus.Other,
    };

    /// <summary>"host name[ip] said: TEXT (in reply to X command)" or "host name[ip] refused to talk to me: TEXT".</summary>
    private static EventKind ParseHostSaid(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        int after = HostAddress.Parse(line, p, out _, out _, out _, out var relay);
        if (after < 0)
        {
            return EventKind.Unknown;
        }
        ev.Relay = relay;
        int text;
        if (LineSpan.At(line, after, " said: "u8))
        {
            text = after + 7;
        }
        else if (LineSpan.At(line, after, " refused to talk to me: "u8))
        {
            text = after + 24;
        }
        else
        {
            return EventKind.Unknown;
        }
        int end = LineSpan.TrimEnd(line, text, line.Length);
        int inReply = LineSpan.FindLastIn(line, text, end, " (in reply to "u8);
        if (inReply >= 0)
        {
            int stage = inReply + 14;
            int cmd = LineSpan.FindIn(line, stage, end, " command)"u8);
            ev.Detail = LineSpan.Range(stage, cmd < 0 ? end : cmd);
            end = inReply;
        }
        ev.Reply = LineSpan.Trimmed(line, text, end);
        RejectParser.ParseCode(line, ev.Reply.Start, ev.Reply.Start + ev.Reply.Length, ref ev);
        return EventKind.SmtpProblem;
    }

    /// <summary>"lost connection with name[ip] while X" / "conversation with name[ip] timed out while X".</summary>
    private static EventKind ParseConnectionLoss(ReadOnlySpan<byte> line, int p, int host, ref LogEvent ev)
    {
        if (HostAddress.Parse(line, host, out _, out _, out _, out var relay) < 0)
        {
            return EventKind.Unknown;
        }
        ev.Relay = relay;
        ev.Reply = LineSpan.Trimmed(line, p, line.Length);
        int whileAt = LineSpan.Find(line, host, " while "u8);
        if (whileAt >= 0)
        {
            ev.Detail = LineSpan.Trimmed(line, whileAt + 7, line.Length);
        }
        return EventKind.SmtpProblem;
    }

    /// <summary>"connect to name[ip]:25: Connection refused" (usually without a queue ID).</summary>
    private static EventKind ParseConnectFailure(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        int after = HostAddress.Parse(line, p, out _, out _, out _, out var relay);
        if (after < 0)
        {
            return EventKind.Unknown;
        }
        ev.Relay = relay;
        if (LineSpan.IsAt(line, after, (byte)':'))
        {
            after++;
        }
        ev.Reply = LineSpan.Trimmed(line, after, line.Length);
        return EventKind.SmtpProblem;
    }

    private static bool IsIgnoredNote(ReadOnlySpan<byte> line, int p) =>
        p < line.Length && line[p] switch
        {
            (byte)'A' => LineSpan.At(line, p, "Anonymous TLS connection established to "u8),
            (byte)'T' => LineSpan.At(line, p, "Trusted TLS connection established to "u8) || LineSpan.At(line, p, "TLS is required, but "u8)
                || LineSpan.At(line, p, "TLS connection established to "u8),
            (byte)'H' => LineSpan.At(line, p, "Host offered STARTTLS: "u8),
            (byte)'U' => LineSpan.At(line, p, "Untrusted TLS connection established to "u8),
            (byte)'V' => LineSpan.At(line, p, "Verified TLS connection established to "u8),
            (byte)'c' => LineSpan.At(line, p, "certificate verification failed for "u8),
            (byte)'C' => LineSpan.At(line, p, "Cannot start TLS: "u8),
            (byte)'S' => LineSpan.At(line, p, "SSL_connect error to "u8) || LineSpan.At(line, p, "SSL_connect:"u8),
            (byte)'e' => LineSpan.At(line, p, "enabling PIX "u8),
            (byte)'s' => LineSpan.At(line, p, "server certificate verification failed for "u8) || LineSpan.At(line, p, "setting up TLS connection to "u8)
                || LineSpan.At(line, p, "statistics: "u8),
            (byte)'r' => LineSpan.At(line, p, "replace: header "u8),
            (byte)'u' => LineSpan.At(line, p, "using backwards-compatible default setting"u8),
            _ => false,
        };
}
