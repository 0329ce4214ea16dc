using System.Globalization;
using System.Text;
using SpamTrace.Forensics;

namespace SpamTrace.Reports.Diagnose;

/// <summary>
/// One self-contained HTML page: inline CSS and SVG, no script and no external asset (a Content-Security-Policy
/// forbids both, as a second wall behind escaping every string).
/// </summary>
public static class DiagnoseHtmlWriter
{
    private const string Css = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
        h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}h3{margin-bottom:.3em}
        .verdict{padding:1em;border-radius:6px;font-size:1.2em;font-weight:600}
        .spam{background:#fdecea;border:1px solid #c0392b}.clean{background:#eafaf1;border:1px solid #27ae60}
        table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;font-size:.92em}
        th{background:#f0f0f0}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
        pre{background:#f6f7f9;padding:.5em;overflow-x:auto;white-space:pre-wrap;overflow-wrap:normal;word-break:normal}
        pre.cmd{white-space:pre}
        .culprit{border:1px solid #ddd;border-left:5px solid #c0392b;padding:.5em 1em;margin:1em 0}
        .muted{color:#666}.pts{text-align:right;white-space:nowrap}
        """;

    public static string Render(DiagnoseRun run)
    {
        var d = run.Diagnosis;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        var server = run.Server ?? "unknown server";
        var window = $"{T(d.FirstSeenUtc)} to {T(d.LastSeenUtc)}";
        var generated = T(run.GeneratedUtc ?? DateTime.UtcNow);
        var version = typeof(DiagnoseHtmlWriter).Assembly.GetName().Version?.ToString(3) ?? "?";
        sb.Append("<title>").Append(Html.E($"spamtrace diagnose: {server}, {window}")).Append("</title><style>").Append(Css).Append("</style></head><body>");
        sb.Append("<h1 id=\"server\">spamtrace diagnose: ").Append(Html.E(server)).Append("</h1>");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\" id=\"window\">Log window {window}; {d.Chains} messages, {d.OutboundMessages} outbound to {d.RemoteRecipients} remote recipients. Generated {generated} by spamtrace {Html.E(version)}.</p>");
        sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">{Html.E(Detector.CulpritRule)}</p>");
        if (run.SourceNote is { } note)
        {
            sb.Append("<p class=\"muted\">").Append(Html.E(note)).Append("</p>");
        }

        var culprits = d.Culprits.ToList();
        if (culprits.Count == 0)
        {
            sb.Append("<div class=\"verdict clean\" id=\"verdict\">No outbound spam found.</div>");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"<div class=\"verdict spam\" id=\"verdict\">Outbound spam found: {culprits.Count} culprit{(culprits.Count > 1 ? "s" : "")}<ul>");
            foreach (var c in culprits)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<li><code class=\"culprit-id\">{Html.E(c.Label)}</code>: {Html.E(c.Verdict)}, since {T(c.SinceUtc)}</li>");
            }
            sb.Append("</ul></div>");
        }

        if (d.Providers.Count > 0)
        {
            sb.Append("<h2 id=\"who-blocks-us\">Who blocks us</h2><table><tr><th>provider</th><th>class</th><th>rules</th><th>refusals</th><th>share of outbound</th><th>since</th><th>next step</th></tr>");
            foreach (var p in d.Providers)
            {
                var link = p.Link is null ? "" : $"<br><span class=\"muted\">{Html.E(p.Link)}</span>";
                sb.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{Html.E(p.Provider)}</td><td>{Html.E(p.Class.ToString().ToLowerInvariant())}</td><td>{Html.E(string.Join(", ", p.Rules))}</td><td class=\"pts\">{p.Refusals}</td><td class=\"pts\">{Html.E(Detector.Pct(p.ShareOfOutbound))}</td><td>{T(p.FirstUtc)}</td><td>{Html.E(p.Advice)}{link}</td></tr>");
            }
            sb.Append("</table>");
            foreach (var p in d.Providers.Where(p => p.ExampleReply is not null).Take(5))
            {
                sb.Append("<p class=\"muted\">").Append(Html.E(p.Provider)).Append(" said:</p><pre>").Append(Html.E(p.ExampleReply)).Append("</pre>");
            }
        }

        sb.Append("<h2>Outbound volume</h2>");
        sb.Append(SvgTimeline.Render(d.OutboundTimeline, d.TimelineStartUtc, d.TimelineBin, d.BurstStartUtc, "all outbound recipients"));

        foreach (var c in culprits)
        {
            Culprit(sb, d, c);
        }

        sb.Append("<h2>All origins of outbound mail</h2><table id=\"origins\"><tr><th>origin</th><th>score</th><th>messages</th><th>recipients</th><th>deferred</th><th>bounced</th><th>IPs</th><th>senders</th><th>first seen</th></tr>");
        foreach (var o in d.Origins.Take(100))
        {
            var s = o.Stats;
            sb.Append(CultureInfo.InvariantCulture,
                $"<tr><td><code>{Html.E(o.Label)}</code>{(o.IsCulprit ? " <b>culprit</b>" : "")}</td><td class=\"pts\">{o.Score}</td><td class=\"pts\">{s.Messages}</td><td class=\"pts\">{s.ExternalRecipients}</td><td class=\"pts\">{Html.E(Detector.Pct(s.DeferralRate))}</td><td class=\"pts\">{Html.E(Detector.Pct(s.BounceRate))}</td><td class=\"pts\">{Html.E(s.ClientIps.CountText)}</td><td class=\"pts\">{Html.E(s.Senders.CountText)}</td><td>{T(s.FirstSeenUtc)}</td></tr>");
        }
        sb.Append("</table>");
        if (d.Notes.Count > 0)
        {
            sb.Append("<h2>Notes</h2><ul>");
            foreach (var n in d.Notes)
            {
                sb.Append("<li>").Append(Html.E(n)).Append("</li>");
            }
            sb.Append("</ul>");
        }
        if (run.Statistics is { } st)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Read {st.Lines} lines from {Html.E(string.Join(", ", st.InputsRead))}; {st.UnknownLines} not recognised; {st.Errors.Count} input errors.</p>");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static void Culprit(StringBuilder sb, Diagnosis d, OriginAssessment c)
    {
        var s = c.Stats;
        sb.Append("<div class=\"culprit\">");
        sb.Append(CultureInfo.InvariantCulture, $"<h2>{Html.E(c.Label)}: {Html.E(c.Verdict)}</h2>");
        sb.Append(CultureInfo.InvariantCulture,
            $"<p>Score {c.Score} ({c.AbusePoints} from signs of abuse). Since {T(c.SinceUtc)}: {s.Messages} messages to {s.ExternalRecipients} remote recipients, {s.Sent} delivered, {s.DeferredOnce} deferred, {s.Bounced + s.Expired} bounced{(c.Queued is { } q ? $", {q} still in the queue snapshot" : "")}.</p>");
        sb.Append(SvgTimeline.Render(c.Timeline, d.TimelineStartUtc, d.TimelineBin, c.Burst ? c.SinceUtc : null, c.Label));
        sb.Append("<h3>Evidence</h3><table class=\"evidence\"><tr><th>signal</th><th>what was seen</th><th>points</th></tr>");
        foreach (var e in c.Evidence)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td><code>{Html.E(e.Code)}</code></td><td>{Html.E(e.Text)}</td><td class=\"pts\">{e.Points}</td></tr>");
        }
        sb.Append("</table>");
        var facts = new List<(string, string)>
        {
            ("client IPs", string.Join(", ", s.ClientIps.Items.Order(StringComparer.Ordinal).Take(10)) + (s.ClientIps.Count > 10 ? $" … ({s.ClientIps.CountText})" : "")),
            ("envelope senders", string.Join(", ", s.Senders.Items.Order(StringComparer.Ordinal).Take(10)) + (s.Senders.Count > 10 ? $" … ({s.Senders.CountText})" : "")),
            ("scripts", string.Join(", ", s.Scripts.Top(5).Select(p => $"{p.Key} ({p.Value})"))),
            ("HELO names", string.Join(", ", s.Helos.Top(5).Select(p => p.Key))),
            ("sample recipients", string.Join(", ", s.SampleRecipients)),
            ("sample queue IDs", string.Join(", ", s.SampleQueueIds)),
        };
        sb.Append("<table class=\"facts\">");
        foreach (var (k, v) in facts.Where(f => f.Item2.Length > 0))
        {
            sb.Append("<tr><th>").Append(Html.E(k)).Append("</th><td>").Append(Html.E(v)).Append("</td></tr>");
        }
        sb.Append("</table><h3>What to do</h3><ol>");
        foreach (var step in c.Actions)
        {
            sb.Append("<li>").Append(Html.E(step.Title));
            if (step.Command is not null)
            {
                sb.Append("<pre class=\"cmd\">").Append(Html.E(step.Command)).Append("</pre>");
            }
            if (step.Note is not null)
            {
                sb.Append("<div class=\"muted\">").Append(Html.E(step.Note)).Append("</div>");
            }
            sb.Append("</li>");
        }
        sb.Append("</ol></div>");
    }

    private static string T(DateTime? t) =>
        t is { } v && v != DateTime.MinValue && v != DateTime.MaxValue ? v.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "?";
}
