using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Correlation;

public sealed partial class Correlator
{
    private void HandleMessage(HostState host, ReadOnlySpan<byte> line, in LogEvent ev, long ticks)
    {
        var m = Lookup(host, line, in ev, ticks);
        if (m is null)
        {
            if (ev.Kind is EventKind.BounceNotice or EventKind.DelayNotice or EventKind.SuccessNotice or EventKind.PostmasterNotice && !ev.OtherQueueId.IsEmpty)
            {
                // The cause's chain is gone, but the notification it made must still know what it is.
                LinkNotification(host, Str(line, ev.QueueId)!, line, in ev, ticks);
            }
            return;
        }
        var r = m.Record;
        m.LastTicks = ticks;
        var time = new DateTime(ticks, DateTimeKind.Utc);
        if (time > r.LastSeenUtc)
        {
            r.LastSeenUtc = time;
        }
        r.Instance ??= InstanceOf(ev.Program.Of(line));
        r.Lines?.Add(new SourceLine(_input?.Path ?? "", ev.LineNumber, time, System.Text.Encoding.UTF8.GetString(line)));

        switch (ev.Kind)
        {
            case EventKind.SmtpdClient:
                OnSmtpdClient(host, m, line, in ev, ticks);
                break;
            case EventKind.PickupUid:
                r.Origin = OriginKind.Pickup;
                r.EntrySeen = true;
                r.Uid = ev.Uid >= 0 ? ev.Uid : r.Uid;
                r.Sender ??= _values.Get(ev.From.Of(line));
                break;
            case EventKind.CleanupMessageId:
                if (!r.HasMessageId && !ev.MessageId.IsEmpty)
                {
                    r.SetMessageId(ev.MessageId.Of(line).ToArray());
                }
                break;
            case EventKind.CleanupAction:
            case EventKind.MilterAction:
                OnCleanupAction(host, m, line, in ev, ticks, time);
                break;
            case EventKind.QmgrFrom:
                m.EnteredQueue = true;
                r.Sender = _values.Get(ev.From.Of(line)) ?? "";
                if (ev.Size >= 0)
                {
                    r.Size = ev.Size;
                }
                if (ev.Nrcpt >= 0)
                {
                    r.Nrcpt = ev.Nrcpt;
                    // Deliveries come next: size the list once instead of growing it 4 -> 8 -> 16 -> 32.
                    if (r.Recipients.Capacity < ev.Nrcpt && ev.Nrcpt <= 1000)
                    {
                        r.Recipients.Capacity = ev.Nrcpt;
                    }
                }
                break;
            case EventKind.QmgrExpired:
                r.Fate = MessageFate.Expired;
                r.Sender ??= _values.Get(ev.From.Of(line));
                break;
            case EventKind.QmgrRemoved:
                if (r.Fate == MessageFate.Open)
                {
                    r.Fate = MessageFate.Removed;
                }
                _assembler.Finish(host, m, ticks);
                break;
            case EventKind.Delivery:
                OnDelivery(host, m, line, in ev, ticks, time);
                break;
            case EventKind.SmtpProblem:
                break;
            case EventKind.BounceNotice:
            case EventKind.DelayNotice:
            case EventKind.SuccessNotice:
            case EventKind.PostmasterNotice:
                OnNotification(host, m, line, in ev, ticks);
                break;
            case EventKind.PostsuperHold:
                r.Held = true;
                break;
            case EventKind.PostsuperRelease:
                r.Held = false;
                break;
            case EventKind.PostsuperDelete:
                r.Fate = MessageFate.Deleted;
                _assembler.Finish(host, m, ticks);
                break;
            case EventKind.AmavisResult:
                OnAmavis(host, m, line, in ev, ticks);
                break;
            case EventKind.SmtpdReject:
                OnSmtpdRejectWithQueueId(host, m, line, in ev, ticks);
                break;
        }
    }

    private void OnSmtpdClient(HostState host, OpenMessage m, ReadOnlySpan<byte> line, in LogEvent ev, long ticks)
    {
        var r = m.Record;
        r.EntrySeen = true;
        if (r.Origin == OriginKind.Unknown)
        {
            r.Origin = OriginKind.Smtp;
        }
        r.Listener = _pool.Get(ev.Program.Of(line));
        r.ClientName = _values.Get(ev.ClientName.Of(line));
        r.ClientIp = _values.Get(ev.ClientIp.Of(line));
        r.ClientPort = ev.ClientPort > 0 ? ev.ClientPort : null;
        r.SaslMethod = _pool.Get(ev.SaslMethod.Of(line)) ?? r.SaslMethod;
        r.SaslUser = _values.Get(ev.SaslUser.Of(line)) ?? r.SaslUser;
        r.SaslSender = _values.Get(ev.SaslSender.Of(line)) ?? r.SaslSender;
        r.Helo = _values.Get(ev.Helo.Of(line)) ?? r.Helo;
        r.OrigClient = _values.Get(ev.OrigClient.Of(line)) ?? r.OrigClient;
        if (!ev.OtherQueueId.IsEmpty)
        {
            // XFORWARD orig_queue_id: a content filter re-injected this message.
            r.OrigQueueId = Str(line, ev.OtherQueueId);
            r.Origin = OriginKind.Reinjected;
            if (host.TryGetOpenOrFinished(QueueKey.From(ev.OtherQueueId.Of(line)), out var parent) && !ReferenceEquals(parent, m) && !parent.Group.Emitted)
            {
                LinkChild(host, parent, m, confirmed: false, ticks);
            }
        }
    }

    private void OnCleanupAction(HostState host, OpenMessage m, ReadOnlySpan<byte> line, in LogEvent ev, long ticks, DateTime time)
    {
        var r = m.Record;
        var action = Str(line, ev.Action) ?? "";
        var text = Str(line, ev.Text) ?? "";
        var detail = Str(line, ev.Detail);
        r.AddNote(new CleanupNote(action, detail is null ? text : text + ": " + detail, time));
        r.ClientIp ??= Str(line, ev.ClientIp);
        if (r.Sender is null && !ev.From.IsEmpty)
        {
            r.Sender = Str(line, ev.From);
        }
        var verb = action.StartsWith("milter-", StringComparison.Ordinal) ? action[7..] : action;
        switch (verb)
        {
            case "hold":
                r.Held = true;
                break;
            case "reject":
            case "discard":
                r.Fate = MessageFate.Rejected;
                _assembler.Finish(host, m, ticks);
                break;
        }
    }

    private void OnSmtpdRejectWithQueueId(HostState host, OpenMessage m, ReadOnlySpan<byte> line, in LogEvent ev, long ticks)
    {
        var action = ev.Action.Of(line);
        var stage = ev.Detail.Of(line);
        if (action.SequenceEqual("hold"u8))
        {
            m.Record.Held = true;
        }
        else if ((action.SequenceEqual("reject"u8) || action.SequenceEqual("discard"u8))
                 && (stage.SequenceEqual("END-OF-MESSAGE"u8) || stage.SequenceEqual("DATA"u8) || stage.SequenceEqual("BDAT"u8)))
        {
            // The whole message was refused after its queue file existed: cleanup never finishes it.
            m.Record.Fate = MessageFate.Rejected;
            _assembler.Finish(host, m, ticks);
        }
    }

    private void OnDelivery(HostState host, OpenMessage m, ReadOnlySpan<byte> line, in LogEvent ev, long ticks, DateTime time)
    {
        // Through the recent-strings cache: the re-injected hop delivers to the same addresses moments later.
        var rcpt = m.Recipient(_values.Get(ev.To.Of(line)) ?? "", _values.Get(ev.OrigTo.Of(line)));

        var agent = AgentName(ev.Daemon.Of(line));
        rcpt.Agent = agent;
        rcpt.Relay = _values.Get(ev.Relay.Of(line));
        rcpt.Dsn = _pool.Get(ev.Dsn.Of(line));
        var replyBytes = ev.Reply.Of(line);
        var reply = _replyBytes.Get(replyBytes);
        if (ev.Status == DeliveryStatus.Deferred && !rcpt.HasFirstDeferralReply)
        {
            rcpt.SetFirstDeferralReply(reply);
        }
        rcpt.SetReply(reply);
        rcpt.Status = ev.Status;
        rcpt.DelaySeconds = Seconds(ev.Delay.Of(line)) ?? rcpt.DelaySeconds;
        rcpt.SetDelays(ev.Delays.Of(line));
        rcpt.TimeUtc = time;
        rcpt.Attempts++;
        var queuedAs = !ev.OtherQueueId.IsEmpty;
        var queuedHere = false;
        if (queuedAs)
        {
            queuedHere = host.TryGetOpenOrFinished(QueueKey.From(ev.OtherQueueId.Of(line)), out _);
        }
        rcpt.Hop = HopClassifier.Classify(agent, rcpt.Relay ?? "", HopClassifier.HintsOf(replyBytes), queuedAs, queuedHere);
        if (!queuedAs)
        {
            return;
        }
        var forwarded = rcpt.Hop == HopKind.Local && replyBytes.StartsWith("forwarded as"u8);
        if (rcpt.Hop != HopKind.ContentFilter && !forwarded)
        {
            // A remote server's own queue ID ("250 2.0.0 Ok: queued as X" from another Postfix): not ours.
            rcpt.NextQueueId = Str(line, ev.OtherQueueId);
            return;
        }
        var next = Named(host, ev.OtherQueueId.Of(line), ticks);
        rcpt.NextQueueId = next.Record.QueueId;
        if (ReferenceEquals(next, m))
        {
            return;
        }
        if (!forwarded)
        {
            LinkChild(host, m, next, confirmed: true, ticks);
        }
        else
        {
            // local(8) .forward/aliases: a new message of its own, attributed as forwarded.
            m.Record.AddForward(next.Record.QueueId);
            next.Record.Origin = OriginKind.Forward;
            next.Record.EntrySeen = true;
            next.CausedBy = new ChainLink(host.Name, m.Record.QueueId);
        }
    }

    private void OnNotification(HostState host, OpenMessage m, ReadOnlySpan<byte> line, in LogEvent ev, long ticks)
    {
        if (ev.OtherQueueId.IsEmpty)
        {
            return;
        }
        var n = LinkNotification(host, m.Record.QueueId, line, in ev, ticks);
        if (!ReferenceEquals(n, m))
        {
            m.Record.AddNotification(n.Record.QueueId);
        }
    }

    private OpenMessage LinkNotification(HostState host, string causeQueueId, ReadOnlySpan<byte> line, in LogEvent ev, long ticks)
    {
        var n = Named(host, ev.OtherQueueId.Of(line), ticks);
        if (n.Record.QueueId == causeQueueId)
        {
            return n;
        }
        n.Record.Origin = OriginKind.Notification;
        n.Record.EntrySeen = true;
        n.CausedBy = new ChainLink(host.Name, causeQueueId);
        return n;
    }

    private void OnAmavis(HostState host, OpenMessage m, ReadOnlySpan<byte> line, in LogEvent ev, long ticks)
    {
        var action = Str(line, ev.Action);
        var text = Str(line, ev.Text);
        m.Record.FilterVerdict = text is null ? action : $"{action} {text}";
        if (!ev.OtherQueueId.IsEmpty)
        {
            var child = Named(host, ev.OtherQueueId.Of(line), ticks);
            if (!ReferenceEquals(child, m))
            {
                LinkChild(host, m, child, confirmed: false, ticks);
            }
        }
    }

    // confirmed: the link comes from the parent's delivery line ("queued as" the child), which Postfix logged
    // itself; otherwise from the filter's claims (XFORWARD orig_queue_id, amavis Queue-ID), which a filter that
    // keeps XFORWARD attributes across transactions on a cached connection gets wrong. Postfix's word wins.
    private void LinkChild(HostState host, OpenMessage parent, OpenMessage child, bool confirmed, long ticks)
    {
        var current = child.Record.ParentQueueId;
        if (current is not null && current != parent.Record.QueueId)
        {
            if (!confirmed || !child.LinkClaimedOnly || !_assembler.Move(host, child, parent, ticks))
            {
                return;
            }
            ClaimMismatches++;
        }
        child.Record.ParentQueueId = parent.Record.QueueId;
        child.Record.OrigQueueId ??= parent.Record.QueueId;
        child.Record.Origin = OriginKind.Reinjected;
        child.Record.EntrySeen = true;
        child.LinkClaimedOnly = current == parent.Record.QueueId ? child.LinkClaimedOnly && !confirmed : !confirmed;
        _assembler.Link(parent, child);
    }

    private static string? InstanceOf(ReadOnlySpan<byte> program)
    {
        var slash = program.IndexOf((byte)'/');
        var name = slash < 0 ? program : program[..slash];
        return name.SequenceEqual("postfix"u8) ? "postfix" : System.Text.Encoding.UTF8.GetString(name);
    }

    private static string AgentName(ReadOnlySpan<byte> daemon) => daemon switch
    {
        _ when daemon.SequenceEqual("smtp"u8) => "smtp",
        _ when daemon.SequenceEqual("lmtp"u8) => "lmtp",
        _ when daemon.SequenceEqual("local"u8) => "local",
        _ when daemon.SequenceEqual("virtual"u8) => "virtual",
        _ when daemon.SequenceEqual("pipe"u8) => "pipe",
        _ when daemon.SequenceEqual("error"u8) => "error",
        _ when daemon.SequenceEqual("retry"u8) => "retry",
        _ when daemon.SequenceEqual("discard"u8) => "discard",
        _ => System.Text.Encoding.UTF8.GetString(daemon),
    };
}
