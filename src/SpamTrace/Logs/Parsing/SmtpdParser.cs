namespace SpamTrace.Logs.Parsing;

/// <summary>smtpd (any syslog_name): sessions, accepted messages, restriction verdicts and SASL failures.</summary>
internal static class SmtpdParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev, bool hasQueueId, bool noQueue)
    {
        if (hasQueueId)
        {
            if (LineSpan.At(line, p, "client="u8))
            {
                return ParseClient(line, p + 7, ref ev);
            }
            return RejectParser.TryParse(line, p, ref ev) ? EventKind.SmtpdReject : EventKind.Unknown;
        }
        if (noQueue)
        {
            if (RejectParser.TryParse(line, p, ref ev))
            {
                return EventKind.SmtpdReject;
            }
            ev.Action = ev.Detail = ev.Code = ev.Text = default;
            if (IsIgnoredSessionNote(line, p))
            {
                HostAddress.FindClient(line, p, line.Length, ref ev);
                return EventKind.Ignored;
            }
            return EventKind.Unknown;
        }
        if (LineSpan.At(line, p, "connect from "u8))
        {
            return HostAddress.ParseClient(line, p + 13, ref ev) < 0 ? EventKind.Unknown : EventKind.SmtpdConnect;
        }
        if (LineSpan.At(line, p, "disconnect from "u8))
        {
            int after = HostAddress.ParseClient(line, p + 16, ref ev);
            if (after < 0)
            {
                return EventKind.Unknown;
            }
            ev.Text = LineSpan.Trimmed(line, after, line.Length);
            return EventKind.SmtpdDisconnect;
        }
        if (LineSpan.At(line, p, "proxy-"u8))
        {
            return RejectParser.TryParse(line, p, ref ev) ? EventKind.SmtpdReject : EventKind.Unknown;
        }
        if (IsIgnoredSessionNote(line, p))
        {
            // Nothing to keep, but the client is cheap to name and useful for per-IP context.
            HostAddress.FindClient(line, p, line.Length, ref ev);
            return EventKind.Ignored;
        }
        // Postfix before 2.3 wrote restriction verdicts without the NOQUEUE prefix.
        return IsVerdict(line, p) && RejectParser.TryParse(line, p, ref ev) ? EventKind.SmtpdReject : EventKind.Unknown;
    }

    /// <summary>client=name[ip]:port, sasl_method=, sasl_username=, sasl_sender=, orig_queue_id=, orig_client=.</summary>
    private static EventKind ParseClient(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        int pos = HostAddress.ParseClient(line, p, ref ev);
        if (pos < 0)
        {
            return EventKind.Unknown;
        }
        while (true)
        {
            int sep = LineSpan.Find(line, pos, ", "u8);
            if (sep < 0)
            {
                return EventKind.SmtpdClient;
            }
            int key = sep + 2;
            int eq = LineSpan.Find(line, key, (byte)'=');
            if (eq < 0)
            {
                return EventKind.SmtpdClient;
            }
            int valueStart = eq + 1;
            int valueEnd = LineSpan.Find(line, valueStart, ", "u8);
            if (valueEnd < 0)
            {
                valueEnd = LineSpan.TrimEnd(line, valueStart, line.Length);
            }
            var keyName = line.Slice(key, eq - key);
            var value = LineSpan.Range(valueStart, valueEnd);
            if (keyName.SequenceEqual("sasl_method"u8))
            {
                ev.SaslMethod = value;
            }
            else if (keyName.SequenceEqual("sasl_username"u8))
            {
                ev.SaslUser = value;
            }
            else if (keyName.SequenceEqual("sasl_sender"u8))
            {
                ev.SaslSender = StripAngles(line, value);
            }
            else if (keyName.SequenceEqual("orig_queue_id"u8))
            {
                ev.OtherQueueId = value;
            }
            else if (keyName.SequenceEqual("orig_client"u8))
            {
                ev.OrigClient = value;
            }
            pos = valueEnd;
        }
    }

    /// <summary>"warning: name[ip]: SASL METHOD authentication failed: TEXT[, sasl_username=USER]".</summary>
    public static bool TryParseSaslFailure(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        int after = HostAddress.Parse(line, p, out var name, out var ip, out int port, out _);
        if (after < 0 || !LineSpan.At(line, after, ": SASL "u8))
        {
            return false;
        }
        int method = after + 7;
        int methodEnd = LineSpan.Find(line, method, (byte)' ');
        if (methodEnd <= method || !LineSpan.At(line, methodEnd, " authentication failed"u8))
        {
            return false;
        }
        ev.ClientName = name;
        ev.ClientIp = ip;
        ev.ClientPort = port;
        ev.SaslMethod = LineSpan.Range(method, methodEnd);
        int text = methodEnd + 22;
        if (LineSpan.IsAt(line, text, (byte)':'))
        {
            text++;
        }
        int user = LineSpan.Find(line, text, ", sasl_username="u8);
        int textEnd = user < 0 ? line.Length : user;
        if (user >= 0)
        {
            int u = user + 16;
            ev.SaslUser = LineSpan.Range(u, LineSpan.TrimEnd(line, u, line.Length));
        }
        ev.Text = LineSpan.Trimmed(line, text, textEnd);
        return true;
    }

    private static bool IsVerdict(ReadOnlySpan<byte> line, int p) =>
        LineSpan.At(line, p, "reject: "u8) || LineSpan.At(line, p, "reject_warning: "u8) || LineSpan.At(line, p, "discard: "u8)
        || LineSpan.At(line, p, "hold: "u8) || LineSpan.At(line, p, "filter: "u8) || LineSpan.At(line, p, "redirect: "u8)
        || LineSpan.At(line, p, "warn: "u8) || LineSpan.At(line, p, "bcc: "u8);

    private static TextRange StripAngles(ReadOnlySpan<byte> line, TextRange r)
    {
        if (r.Length >= 2 && line[r.Start] == (byte)'<' && line[r.Start + r.Length - 1] == (byte)'>')
        {
            return new TextRange(r.Start + 1, r.Length - 2);
        }
        return r;
    }

    private static bool IsIgnoredSessionNote(ReadOnlySpan<byte> line, int p) =>
        p < line.Length && line[p] switch
        {
            (byte)'l' => LineSpan.At(line, p, "lost connection after "u8),
            (byte)'t' => LineSpan.At(line, p, "timeout after "u8) || LineSpan.At(line, p, "too many errors after "u8),
            (byte)'i' => LineSpan.At(line, p, "improper command pipelining after "u8),
            (byte)'A' => LineSpan.At(line, p, "Anonymous TLS connection established from "u8),
            (byte)'T' => LineSpan.At(line, p, "Trusted TLS connection established from "u8) || LineSpan.At(line, p, "TLS SNI "u8)
                || LineSpan.At(line, p, "TLS connection established from "u8),
            (byte)'U' => LineSpan.At(line, p, "Untrusted TLS connection established from "u8),
            (byte)'V' => LineSpan.At(line, p, "Verified TLS connection established from "u8),
            (byte)'S' => LineSpan.At(line, p, "SSL_accept error from "u8) || LineSpan.At(line, p, "SSL_accept:"u8),
            (byte)'b' => LineSpan.At(line, p, "bare <LF> received after "u8),
            (byte)'d' => LineSpan.At(line, p, "discarding EHLO keywords: "u8),
            (byte)'s' => LineSpan.At(line, p, "setting up TLS connection from "u8) || LineSpan.At(line, p, "statistics: "u8),
            (byte)'n' => LineSpan.At(line, p, "non-SMTP command from "u8),
            (byte)'u' => LineSpan.At(line, p, "using backwards-compatible default setting"u8),
            _ => false,
        };
}
