namespace SpamTrace.Logs.Parsing;

/// <summary>
/// What every Postfix payload shares: the severity prefixes (warning/fatal/panic/error), the leading queue ID
/// or NOQUEUE, then the daemon-specific grammar.
/// </summary>
internal static class PostfixPayloadParser
{
    public static EventKind Parse(ReadOnlySpan<byte> line, int p, ref LogEvent ev)
    {
        if (p >= line.Length)
        {
            return EventKind.Unknown;
        }
        var daemon = ProgramClassifier.Daemon(ev.Daemon.Of(line));
        int level = SeverityLength(line, p);
        if (level > 0)
        {
            if (daemon == PostfixDaemon.Smtpd && SmtpdParser.TryParseSaslFailure(line, p + level, ref ev))
            {
                return EventKind.SaslAuthFailed;
            }
            Warning(line, p, level, ref ev);
            if (daemon is PostfixDaemon.Smtpd or PostfixDaemon.Postscreen)
            {
                WarningClient.Find(line, p + level, ref ev);
            }
            return EventKind.PostfixWarning;
        }

        int qid = QueueIdParser.MatchWithColon(line, p);
        bool noQueue = false;
        if (qid > 0)
        {
            ev.QueueId = LineSpan.Range(p, p + qid);
            p = LineSpan.SkipSpaces(line, p + qid + 1);
        }
        else if (LineSpan.At(line, p, "NOQUEUE:"u8))
        {
            noQueue = true;
            p = LineSpan.SkipSpaces(line, p + 8);
        }
        bool hasQueueId = qid > 0;

        var kind = daemon switch
        {
            PostfixDaemon.Smtpd => SmtpdParser.Parse(line, p, ref ev, hasQueueId, noQueue),
            PostfixDaemon.Cleanup => hasQueueId ? CleanupParser.Parse(line, p, ref ev) : EventKind.Unknown,
            PostfixDaemon.Qmgr => hasQueueId ? QmgrParser.Parse(line, p, ref ev) : EventKind.Unknown,
            PostfixDaemon.Pickup => hasQueueId ? QmgrParser.ParsePickup(line, p, ref ev) : EventKind.Unknown,
            PostfixDaemon.Delivery => DeliveryParser.Parse(line, p, ref ev, hasQueueId),
            PostfixDaemon.Bounce => hasQueueId ? BounceParser.Parse(line, p, ref ev) : EventKind.Unknown,
            PostfixDaemon.Postsuper => PostsuperParser.Parse(line, p, ref ev, hasQueueId),
            PostfixDaemon.Anvil => AnvilParser.Parse(line, p, ref ev),
            PostfixDaemon.Postscreen => PostscreenParser.Parse(line, p, ref ev, noQueue),
            PostfixDaemon.Informational => EventKind.Ignored,
            _ => EventKind.Unknown,
        };

        if (kind == EventKind.Unknown && hasQueueId && (LineSpan.At(line, p, "to="u8) || LineSpan.At(line, p, "status="u8)))
        {
            // Any daemon may report a recipient's fate in the delivery format (qmgr for dead transports, cleanup for verify).
            kind = DeliveryParser.ParseDelivery(line, p, ref ev);
        }
        if (kind == EventKind.Unknown && !hasQueueId && !noQueue && (VerboseTrace.Is(line, p) || IsAnyDaemonNote(line, p)))
        {
            kind = EventKind.Ignored;
        }
        return kind;
    }

    /// <summary>Length of "warning: ", "fatal: ", "panic: " or "error: " at <paramref name="p"/>, else 0.</summary>
    private static int SeverityLength(ReadOnlySpan<byte> line, int p) => line[p] switch
    {
        (byte)'w' when LineSpan.At(line, p, "warning: "u8) => 9,
        (byte)'f' when LineSpan.At(line, p, "fatal: "u8) => 7,
        (byte)'p' when LineSpan.At(line, p, "panic: "u8) => 7,
        (byte)'e' when LineSpan.At(line, p, "error: "u8) => 7,
        _ => 0,
    };

    /// <summary>PostfixWarning: Action = the level, Text = the message, QueueId when the message starts with one.</summary>
    private static void Warning(ReadOnlySpan<byte> line, int p, int level, ref LogEvent ev)
    {
        ev.Action = LineSpan.Range(p, p + level - 2);
        int text = p + level;
        int qid = QueueIdParser.MatchWithColon(line, text);
        if (qid > 0)
        {
            ev.QueueId = LineSpan.Range(text, text + qid);
            text += qid + 1;
        }
        ev.Text = LineSpan.Trimmed(line, text, line.Length);
    }

    /// <summary>Notes any Postfix daemon can write that carry nothing for the analysis.</summary>
    private static bool IsAnyDaemonNote(ReadOnlySpan<byte> line, int p) =>
        (LineSpan.At(line, p, "table "u8) && LineSpan.Find(line, p, " has changed -- restarting"u8) > 0)
        || LineSpan.At(line, p, "using backwards-compatible default setting"u8)
        || LineSpan.At(line, p, "Postfix is using backwards-compatible"u8);
}
