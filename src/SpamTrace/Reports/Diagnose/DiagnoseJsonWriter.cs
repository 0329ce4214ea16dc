using System.Globalization;
using System.Text.Json;
using SpamTrace.Forensics;

namespace SpamTrace.Reports.Diagnose;

/// <summary>
/// Writes the diagnosis as one JSON document, schema "spamtrace.diagnose/1" (docs/diagnose-json.md).
/// Fields are only ever added; a change that breaks readers bumps the version.
/// </summary>
public static class DiagnoseJsonWriter
{
    public const string Schema = "spamtrace.diagnose/1";
    private const int MaxOrigins = 50;

    public static void Write(Stream stream, DiagnoseRun run)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var d = run.Diagnosis;
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteBoolean("spam_found", d.SpamFound);
        w.WriteString("source_note", run.SourceNote);
        w.WriteStartObject("window");
        Time(w, "first", d.FirstSeenUtc);
        Time(w, "last", d.LastSeenUtc);
        w.WriteEndObject();
        w.WriteStartObject("totals");
        w.WriteNumber("messages", d.Chains);
        w.WriteNumber("outbound_messages", d.OutboundMessages);
        w.WriteNumber("remote_recipients", d.RemoteRecipients);
        w.WriteNumber("auth_failures", d.AuthFailures);
        w.WriteNumber("relay_denied", d.RelayDenied);
        w.WriteNumber("inbound_messages", d.InboundMessages);
        w.WriteEndObject();
        Time(w, "burst_start", d.BurstStartUtc);
        w.WriteString("culprit_rule", Detector.CulpritRule);
        w.WriteNumber("culprit_score", Detector.CulpritScore);
        w.WriteStartObject("server");
        w.WriteString("config", d.ServerSource);
        w.WriteStartArray("own_domains");
        foreach (var (domain, source) in d.OwnDomains.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString("domain", domain);
            w.WriteString("source", source);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteStartArray("culprits");
        foreach (var a in d.Culprits)
        {
            Origin(w, a, withActions: true);
        }
        w.WriteEndArray();

        w.WriteStartArray("origins");
        foreach (var a in d.Origins.Take(MaxOrigins))
        {
            Origin(w, a, withActions: false);
        }
        w.WriteEndArray();
        w.WriteNumber("origins_total", d.Origins.Count);

        w.WriteStartArray("providers");
        foreach (var p in d.Providers)
        {
            w.WriteStartObject();
            w.WriteString("provider", p.Provider);
            w.WriteString("class", p.Class.ToString().ToLowerInvariant());
            w.WriteNumber("refusals", p.Refusals);
            w.WriteNumber("share_of_outbound", Math.Round(p.ShareOfOutbound, 4));
            if (p.ShareOfProviderTraffic is { } share)
            {
                w.WriteNumber("share_of_provider_traffic", Math.Round(share, 4));
            }
            else
            {
                w.WriteNull("share_of_provider_traffic");
            }
            Time(w, "first", p.FirstUtc);
            Time(w, "last", p.LastUtc);
            Strings(w, "rules", p.Rules);
            w.WriteString("advice", p.Advice);
            w.WriteString("link", p.Link);
            w.WriteString("example_reply", p.ExampleReply);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("timeline");
        Time(w, "start", d.TimelineStartUtc);
        w.WriteNumber("bin_seconds", (long)d.TimelineBin.TotalSeconds);
        Numbers(w, "outbound_recipients", d.OutboundTimeline);
        w.WriteEndObject();

        if (d.QueueTotal is { } total)
        {
            w.WriteStartObject("queue");
            w.WriteNumber("total", total);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("queue");
        }
        Strings(w, "notes", d.Notes);

        w.WriteStartObject("input");
        if (run.Statistics is { } st)
        {
            Strings(w, "files", st.InputsRead);
            w.WriteNumber("bytes", st.Bytes);
            w.WriteNumber("lines", st.Lines);
            w.WriteNumber("unknown_lines", st.UnknownLines);
            Strings(w, "errors", st.Errors.Select(e => e.ToString()));
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Origin(Utf8JsonWriter w, OriginAssessment a, bool withActions)
    {
        var s = a.Stats;
        w.WriteStartObject();
        w.WriteString("kind", a.Id.KindName);
        w.WriteString("key", a.Id.Key);
        w.WriteString("label", a.Label);
        w.WriteString("verdict", a.Verdict);
        w.WriteBoolean("culprit", a.IsCulprit);
        w.WriteNumber("score", a.Score);
        w.WriteNumber("abuse_score", a.AbusePoints);
        Time(w, "since", a.SinceUtc);
        w.WriteBoolean("burst", a.Burst);
        Time(w, "first_seen", s.FirstSeenUtc);
        Time(w, "last_seen", s.LastSeenUtc);
        w.WriteNumber("messages", s.Messages);
        w.WriteNumber("remote_recipients", s.ExternalRecipients);
        w.WriteNumber("internal_recipients", s.InternalRecipients);
        w.WriteNumber("sent", s.Sent);
        w.WriteNumber("deferred_once", s.DeferredOnce);
        w.WriteNumber("still_deferred", s.StillDeferred);
        w.WriteNumber("bounced", s.Bounced);
        w.WriteNumber("expired", s.Expired);
        w.WriteNumber("reputation_refusals", s.ReputationRefusals);
        w.WriteNumber("unknown_recipients", s.UnknownRecipients);
        w.WriteNumber("open_messages", s.OpenMessages);
        if (a.Queued is { } q)
        {
            w.WriteNumber("queued", q);
        }
        else
        {
            w.WriteNull("queued");
        }
        w.WriteStartObject("details");
        w.WriteString("user_name", s.UserName);
        w.WriteString("main_script", a.MainScript);
        w.WriteNumber("client_ips", s.ClientIps.Count);
        w.WriteNumber("networks", s.Networks.Count);
        w.WriteNumber("senders", s.Senders.Count);
        w.WriteNumber("recipient_domains", s.RecipientDomains.Count);
        w.WriteNumber("recipients_per_message", Math.Round(s.RecipientsPerMessage, 2));
        w.WriteNumber("free_mail_share", Math.Round(s.FreeMailShare, 4));
        w.WriteNumber("sender_mismatches", s.SenderMismatches);
        Strings(w, "top_client_ips", s.ClientIps.Items.Order(StringComparer.Ordinal).Take(20));
        Strings(w, "top_senders", s.Senders.Items.Order(StringComparer.Ordinal).Take(20));
        Strings(w, "scripts", s.Scripts.Top(10).Select(p => p.Key));
        Strings(w, "helos", s.Helos.Top(5).Select(p => p.Key));
        Strings(w, "sample_queue_ids", s.SampleQueueIds);
        Strings(w, "sample_recipients", s.SampleRecipients);
        Strings(w, "target_domains", a.TargetDomains);
        w.WriteStartArray("caused_by");
        foreach (var (cause, n) in s.CausedBy.Top(20))
        {
            w.WriteStartObject();
            w.WriteString("origin", cause);
            w.WriteNumber("notices", n);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartArray("evidence");
        foreach (var e in a.Evidence)
        {
            w.WriteStartObject();
            w.WriteString("code", e.Code);
            w.WriteString("text", e.Text);
            w.WriteNumber("points", e.Points);
            w.WriteBoolean("abuse", e.Abuse);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (withActions)
        {
            w.WriteStartArray("actions");
            foreach (var step in a.Actions)
            {
                w.WriteStartObject();
                w.WriteString("title", step.Title);
                w.WriteString("command", step.Command);
                w.WriteString("note", step.Note);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        Numbers(w, "timeline", a.Timeline);
        w.WriteEndObject();
    }

    private static void Time(Utf8JsonWriter w, string name, DateTime? t)
    {
        if (t is { } v && v != DateTime.MinValue && v != DateTime.MaxValue)
        {
            w.WriteString(name, v.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<long> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }
        w.WriteEndArray();
    }
}
