using System.Text.Json;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Reports.Trace;

/// <summary>
/// Writes one chain as one JSON object (NDJSON for `trace --json`). The schema is documented in
/// docs/trace-json.md; fields are only ever added, never renamed. Strings come from the log and are
/// escaped by Utf8JsonWriter's default encoder (which also escapes HTML-sensitive characters).
/// </summary>
public static class ChainJsonWriter
{
    public const int SchemaVersion = 1;

    public static void Write(Utf8JsonWriter w, MessageChain chain)
    {
        w.WriteStartObject();
        w.WriteNumber("schema", SchemaVersion);
        w.WriteString("host", chain.Host);
        w.WriteString("queue_id", chain.Root.QueueId);
        w.WriteString("origin", Name(chain.Origin));
        w.WriteBoolean("incomplete", chain.Incomplete);
        w.WriteBoolean("outbound", chain.IsOutbound);
        w.WriteString("first_seen", chain.FirstSeenUtc);
        w.WriteString("last_seen", chain.LastSeenUtc);
        if (chain.CausedBy is { } c)
        {
            w.WriteStartObject("caused_by");
            w.WriteString("host", c.Host);
            w.WriteString("queue_id", c.QueueId);
            w.WriteEndObject();
        }
        w.WriteStartArray("hops");
        foreach (var hop in chain.Hops)
        {
            WriteHop(w, hop);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteHop(Utf8JsonWriter w, MessageRecord r)
    {
        w.WriteStartObject();
        w.WriteString("queue_id", r.QueueId);
        Opt(w, "instance", r.Instance);
        w.WriteString("origin", Name(r.Origin));
        w.WriteString("first_seen", r.FirstSeenUtc);
        w.WriteString("last_seen", r.LastSeenUtc);
        Opt(w, "listener", r.Listener);
        Opt(w, "client_name", r.ClientName);
        Opt(w, "client_ip", r.ClientIp);
        if (r.ClientPort is { } port)
        {
            w.WriteNumber("client_port", port);
        }
        Opt(w, "helo", r.Helo);
        Opt(w, "sasl_method", r.SaslMethod);
        Opt(w, "sasl_username", r.SaslUser);
        Opt(w, "sasl_sender", r.SaslSender);
        Opt(w, "orig_queue_id", r.OrigQueueId);
        Opt(w, "orig_client", r.OrigClient);
        Opt(w, "parent_queue_id", r.ParentQueueId);
        if (r.Uid is { } uid)
        {
            w.WriteNumber("uid", uid);
        }
        if (r.Sender is not null)
        {
            w.WriteString("sender", r.Sender);
        }
        Opt(w, "message_id", r.MessageId);
        if (r.Size is { } size)
        {
            w.WriteNumber("size", size);
        }
        if (r.Nrcpt is { } n)
        {
            w.WriteNumber("nrcpt", n);
        }
        Opt(w, "filter_verdict", r.FilterVerdict);
        w.WriteString("fate", r.Fate.ToString().ToLowerInvariant());
        w.WriteBoolean("held", r.Held);
        w.WriteBoolean("entry_seen", r.EntrySeen);
        if (r.Notes.Count > 0)
        {
            w.WriteStartArray("notes");
            foreach (var note in r.Notes)
            {
                w.WriteStartObject();
                w.WriteString("action", note.Action);
                w.WriteString("text", note.Text);
                w.WriteString("time", note.TimeUtc);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        IdList(w, "notifications", r.NotificationQueueIds);
        IdList(w, "forwarded_as", r.ForwardedQueueIds);
        w.WriteStartArray("recipients");
        foreach (var x in r.Recipients)
        {
            w.WriteStartObject();
            w.WriteString("address", x.Address);
            Opt(w, "orig_to", x.OrigTo);
            w.WriteString("status", x.Status.ToString().ToLowerInvariant());
            w.WriteString("hop", x.Hop switch
            {
                HopKind.Remote => "remote",
                HopKind.Local => "local",
                HopKind.ContentFilter => "content_filter",
                _ => "none",
            });
            Opt(w, "agent", x.Agent);
            Opt(w, "relay", x.Relay);
            Opt(w, "dsn", x.Dsn);
            Opt(w, "reply", x.Reply);
            Opt(w, "first_deferral_reply", x.FirstDeferralReply == x.Reply ? null : x.FirstDeferralReply);
            if (x.DelaySeconds is { } d)
            {
                w.WriteNumber("delay", d);
            }
            Opt(w, "delays", x.Delays);
            w.WriteNumber("attempts", x.Attempts);
            w.WriteString("time", x.TimeUtc);
            Opt(w, "next_queue_id", x.NextQueueId);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (r.Lines is { Count: > 0 } lines)
        {
            w.WriteStartArray("lines");
            foreach (var l in lines)
            {
                w.WriteStartObject();
                w.WriteString("file", l.Path);
                w.WriteNumber("line", l.LineNumber);
                w.WriteString("text", l.Text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    public static string Name(OriginKind origin) => origin switch
    {
        OriginKind.Smtp => "smtp",
        OriginKind.Pickup => "pickup",
        OriginKind.Reinjected => "reinjected",
        OriginKind.Notification => "notification",
        OriginKind.Forward => "forward",
        _ => "unknown",
    };

    private static void Opt(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void IdList(Utf8JsonWriter w, string name, IReadOnlyList<string> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }
        w.WriteStartArray(name);
        foreach (var id in ids)
        {
            w.WriteStringValue(id);
        }
        w.WriteEndArray();
    }
}
