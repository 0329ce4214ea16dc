using System.Text.Json;
using SpamTrace.Bounces;

namespace SpamTrace.Reports.Bounces;

/// <summary>One JSON object per recipient (NDJSON), as docs/bounce-json.md describes; the writer escapes every value.</summary>
public static class BounceJsonWriter
{
    public static void Write(Utf8JsonWriter w, BounceReport report, BounceRecipient? r)
    {
        w.WriteStartObject();
        w.WriteString("source", report.Source);
        w.WriteString("kind", report.Kind.ToString().ToLowerInvariant());
        w.WriteString("verdict", report.Verdict.ToString().ToLowerInvariant());
        w.WriteString("subject", report.Subject);
        w.WriteString("date", report.Date?.ToString("o"));
        if (r is not null)
        {
            w.WriteString("recipient", r.Address);
            w.WriteString("reason", r.Reason);
            w.WriteString("action", r.Action);
            w.WriteString("status", r.Status);
            w.WriteString("reply_code", r.ReplyCode);
            w.WriteString("remote_mta", r.RemoteMta);
            w.WriteString("provider", r.Provider);
            w.WriteString("feedback_type", r.FeedbackType);
            w.WriteString("diagnostic", r.Diagnostic);
            w.WriteString("time", r.Time?.ToString("o"));
        }
        var o = report.Original;
        if (o is not null)
        {
            w.WriteStartObject("original");
            w.WriteString("message_id", o.MessageId);
            w.WriteString("sender", o.Sender);
            w.WriteString("subject", o.Subject);
            w.WriteString("date", o.Date?.ToString("o"));
            w.WriteString("origin", o.OriginKey);
            w.WriteString("sasl_login", o.SaslLogin);
            w.WriteString("local_uid", o.LocalUid);
            w.WriteString("script", o.Script);
            w.WriteString("client_ip", o.ClientIp);
            w.WriteStartArray("queue_ids");
            foreach (var q in o.QueueIds)
            {
                w.WriteStringValue(q);
            }
            w.WriteEndArray();
            w.WriteStartArray("hops");
            foreach (var h in o.Hops)
            {
                w.WriteStartObject();
                w.WriteString("from", h.FromHost);
                w.WriteString("ip", h.FromIp);
                w.WriteString("by", h.ByHost);
                w.WriteString("with", h.With);
                w.WriteString("id", h.QueueId);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        if (report.Log is { } log)
        {
            w.WriteStartObject("log");
            w.WriteString("host", log.Host);
            w.WriteStartArray("queue_ids");
            foreach (var q in log.QueueIds)
            {
                w.WriteStringValue(q);
            }
            w.WriteEndArray();
            w.WriteString("sasl_user", log.SaslUser);
            w.WriteString("uid", log.Uid);
            w.WriteString("client_ip", log.ClientIp);
            w.WriteString("first_seen", log.FirstSeenUtc.ToString("o"));
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
