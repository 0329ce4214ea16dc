using System.Globalization;
using System.Text;
using SpamTrace.Audit.Findings;
using SpamTrace.Reports.Diagnose;

namespace SpamTrace.Reports.Audit;

/// <summary>
/// One self-contained page in diagnose's style: inline CSS, no script, no external asset (the same
/// Content-Security-Policy), every config-derived string escaped with diagnose's <see cref="Html"/> helper.
/// </summary>
public static class AuditHtmlWriter
{
    private const string Css = """
        body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
        h1{font-size:1.5em}h2{margin-top:2em;border-bottom:1px solid #ddd}
        .verdict{padding:1em;border-radius:6px;font-size:1.2em;font-weight:600}
        .spam{background:#fdecea;border:1px solid #c0392b}.clean{background:#eafaf1;border:1px solid #27ae60}
        table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;font-size:.92em}
        th{background:#f0f0f0}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
        pre{background:#f6f7f9;padding:.5em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
        .finding{border:1px solid #ddd;border-left:5px solid #999;padding:.5em 1em;margin:1em 0}
        .critical,.high{border-left-color:#c0392b}.medium{border-left-color:#e67e22}.low{border-left-color:#2980b9}
        .muted{color:#666}
        """;

    public static string Render(AuditReport report)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        sb.Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">");
        sb.Append("<title>spamtrace audit</title><style>").Append(Css).Append("</style></head><body>");
        sb.Append("<h1>spamtrace audit</h1><p class=\"muted\">").Append(Html.E(report.Subject)).Append("</p>");
        var findings = report.Sorted().ToList();
        if (findings.Count == 0)
        {
            sb.Append("<div class=\"verdict clean\" id=\"verdict\">No findings.</div>");
        }
        else
        {
            var counts = string.Join(", ", findings.GroupBy(f => f.Severity).Select(g => $"{g.Count()} {AuditSeverities.Name(g.Key)}"));
            sb.Append(CultureInfo.InvariantCulture, $"<div class=\"verdict {(findings[0].Severity >= AuditSeverity.High ? "spam" : "clean")}\" id=\"verdict\">{findings.Count} finding{(findings.Count > 1 ? "s" : "")}: {Html.E(counts)}</div>");
        }
        foreach (var f in findings)
        {
            var severity = AuditSeverities.Name(f.Severity);
            sb.Append(CultureInfo.InvariantCulture, $"<div class=\"finding {severity}\"><h2><code>{Html.E(f.Id)}</code> {Html.E(f.Title)}</h2>");
            sb.Append(CultureInfo.InvariantCulture, $"<p><b>{Html.E(severity)}</b>{(f.Service is null ? "" : " · service " + Html.E(f.Service))}</p>");
            if (f.Evidence.Count > 0)
            {
                sb.Append("<table class=\"evidence\"><tr><th>where</th><th>value</th></tr>");
                foreach (var e in f.Evidence)
                {
                    sb.Append("<tr><td><code>").Append(Html.E(e.Location)).Append("</code></td><td><code>").Append(Html.E(e.Value)).Append("</code></td></tr>");
                }
                sb.Append("</table>");
            }
            sb.Append("<p>").Append(Html.E(f.Why)).Append("</p>");
            if (f.Fix.Count > 0)
            {
                sb.Append("<pre>").Append(Html.E(string.Join("\n", f.Fix))).Append("</pre>");
            }
            if (f.Note is not null)
            {
                sb.Append("<p class=\"muted\">").Append(Html.E(f.Note)).Append("</p>");
            }
            foreach (var link in f.Links)
            {
                sb.Append("<p class=\"muted\">").Append(Html.E(link)).Append("</p>");
            }
            sb.Append("</div>");
        }
        foreach (var s in report.Sections)
        {
            sb.Append("<h2>").Append(Html.E(s.Title)).Append("</h2><table id=\"").Append(Html.E(s.Id)).Append("\"><tr>");
            foreach (var c in s.Columns)
            {
                sb.Append("<th>").Append(Html.E(c)).Append("</th>");
            }
            sb.Append("</tr>");
            foreach (var row in s.Rows)
            {
                sb.Append("<tr>");
                foreach (var cell in row)
                {
                    sb.Append("<td>").Append(Html.E(cell)).Append("</td>");
                }
                sb.Append("</tr>");
            }
            sb.Append("</table>");
            if (s.Note is not null)
            {
                sb.Append("<p class=\"muted\">").Append(Html.E(s.Note)).Append("</p>");
            }
        }
        if (report.Notes.Count > 0)
        {
            sb.Append("<h2>Notes</h2><ul>");
            foreach (var n in report.Notes)
            {
                sb.Append("<li>").Append(Html.E(n)).Append("</li>");
            }
            sb.Append("</ul>");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}
