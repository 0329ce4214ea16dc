using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Forensics;

/// <summary>Builds correlated chains and session events as the log engine would hand them over, for unit tests.</summary>
public sealed class ChainFactory
{
    private int _next = 0x1000;
    public string Host { get; init; } = "mx1";

    public string NextQueueId() => (_next++).ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    public MessageChain Sasl(DateTime t, string user, string ip, string sender, IEnumerable<string> to, DeliveryStatus status = DeliveryStatus.Sent, string? dsn = null, string? reply = null)
    {
        var r = Record(t, OriginKind.Smtp, sender);
        r.Listener = "postfix/submission/smtpd";
        r.ClientIp = ip;
        r.ClientName = "unknown";
        r.SaslMethod = "PLAIN";
        r.SaslUser = user;
        r.Fate = status == DeliveryStatus.Deferred ? MessageFate.Open : MessageFate.Removed;
        return Chain(r, to, status, dsn, reply);
    }

    public MessageChain Relay(DateTime t, string ip, string sender, IEnumerable<string> to, DeliveryStatus status = DeliveryStatus.Sent, string? dsn = null, string? reply = null, string? helo = null)
    {
        var r = Record(t, OriginKind.Smtp, sender);
        r.Listener = "postfix/smtpd";
        r.ClientIp = ip;
        r.ClientName = "unknown";
        r.Helo = helo;
        return Chain(r, to, status, dsn, reply);
    }

    public MessageChain Local(DateTime t, int uid, string sender, IEnumerable<string> to, string? script = null, DeliveryStatus status = DeliveryStatus.Sent, string? dsn = null, string? reply = null)
    {
        var r = Record(t, OriginKind.Pickup, sender);
        r.Uid = uid;
        if (script is not null)
        {
            r.AddNote(new CleanupNote("info", $"header X-PHP-Originating-Script: {uid}:{script} from local; from=<{sender}> to=<{to.First()}>", t));
        }
        return Chain(r, to, status, dsn, reply);
    }

    public MessageChain Bounce(DateTime t, string to, DeliveryStatus status = DeliveryStatus.Sent, string? dsn = null, string? reply = null, string causedBy = "ABCDEF") =>
        Chain(Record(t, OriginKind.Notification, ""), [to], status, dsn, reply, causedBy: new ChainLink(Host, causedBy));

    /// <summary>An inbound message delivered to a local mailbox: not outbound.</summary>
    public MessageChain Inbound(DateTime t, string ip, string sender, string to)
    {
        var r = Record(t, OriginKind.Smtp, sender);
        r.LastSeenUtc = t;
        r.ClientIp = ip;
        r.Recipients.Add(new RecipientResult { Address = to, Status = DeliveryStatus.Sent, Hop = HopKind.Local, Agent = "virtual", TimeUtc = t });
        return new MessageChain([r], null, false);
    }

    /// <summary>A finished queue file seen from its entry, two seconds long.</summary>
    private MessageRecord Record(DateTime t, OriginKind origin, string sender) => new()
    {
        Host = Host,
        QueueId = NextQueueId(),
        FirstSeenUtc = t,
        LastSeenUtc = t.AddSeconds(2),
        Origin = origin,
        Sender = sender,
        EntrySeen = true,
        Fate = MessageFate.Removed,
    };

    private static MessageChain Chain(MessageRecord r, IEnumerable<string> to, DeliveryStatus status, string? dsn, string? reply, ChainLink? causedBy = null)
    {
        foreach (var address in to)
        {
            r.Recipients.Add(new RecipientResult
            {
                Address = address,
                Status = status,
                Hop = HopKind.Remote,
                Agent = "smtp",
                Relay = "mx." + address.Split('@')[^1] + "[192.0.2.1]:25",
                Dsn = dsn ?? (status == DeliveryStatus.Sent ? "2.0.0" : null),
                Reply = reply ?? (status == DeliveryStatus.Sent ? "250 2.0.0 Ok" : null),
                TimeUtc = r.FirstSeenUtc.AddSeconds(1),
                Attempts = 1,
            });
        }
        return new MessageChain([r], causedBy, false);
    }

    public SessionEvent AuthFailure(DateTime t, string ip, string? user) => new()
    {
        Kind = SessionEventKind.SaslAuthFailed,
        Host = "mx1",
        TimeUtc = t,
        ClientIp = ip,
        SaslUser = user,
        SaslMethod = "LOGIN",
        Listener = "postfix/submission/smtpd",
        Text = "authentication failure",
    };

    public SessionEvent RelayDenied(DateTime t, string ip, string to) => new()
    {
        Kind = SessionEventKind.Reject,
        Host = "mx1",
        TimeUtc = t,
        ClientIp = ip,
        To = to,
        Code = "554 5.7.1",
        Action = "reject",
        Text = $"<{to}>: Relay access denied",
        Stage = "RCPT",
    };
}
