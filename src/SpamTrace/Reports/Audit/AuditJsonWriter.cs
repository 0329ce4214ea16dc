using System.Text.Json;
using SpamTrace.Audit.Findings;

namespace SpamTrace.Reports.Audit;

/// <summary>
/// Writes an audit as one JSON document, schema "spamtrace.audit/1" (docs/audit-json.md). Fields are only ever
/// added; a change that breaks readers bumps the version.
/// </summary>
public static class AuditJsonWriter
{
    public const string Schema = "spamtrace.audit/1";

    public static void Write(Stream stream, AuditReport report, AuditSeverity failOn)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteString("subject", report.Subject);
        w.WriteString("fail_on", AuditSeverities.Name(failOn));
        w.WriteNumber("exit_code", report.ExitCode(failOn));
        w.WriteStartObject("counts");
        foreach (var s in Enum.GetValues<AuditSeverity>())
        {
            w.WriteNumber(AuditSeverities.Name(s), report.Findings.Count(f => f.Severity == s));
        }
        w.WriteEndObject();
        w.WriteStartArray("findings");
        foreach (var f in report.Sorted())
        {
            w.WriteStartObject();
            w.WriteString("id", f.Id);
            w.WriteString("severity", AuditSeverities.Name(f.Severity));
            w.WriteString("title", f.Title);
            w.WriteString("service", f.Service);
            w.WriteStartArray("evidence");
            foreach (var e in f.Evidence)
            {
                w.WriteStartObject();
                w.WriteString("location", e.Location);
                w.WriteString("value", e.Value);
                w.WriteString("file", e.File);
                if (e.Line is { } line) { w.WriteNumber("line", line); } else { w.WriteNull("line"); }
                w.WriteString("service", e.Service);
                w.WriteString("parameter", e.Parameter);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("why", f.Why);
            Strings(w, "fix", f.Fix);
            w.WriteString("note", f.Note);
            Strings(w, "links", f.Links);
            w.WriteBoolean("appliable", f.Appliable);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("sections");
        foreach (var s in report.Sections)
        {
            w.WriteStartObject();
            w.WriteString("id", s.Id);
            w.WriteString("title", s.Title);
            Strings(w, "columns", s.Columns);
            w.WriteStartArray("rows");
            foreach (var row in s.Rows)
            {
                w.WriteStartObject();
                for (var i = 0; i < s.Columns.Count && i < row.Count; i++)
                {
                    w.WriteString(s.Columns[i], row[i]);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("note", s.Note);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        Strings(w, "notes", report.Notes);
        if (report.Elapsed is { } elapsed) { w.WriteNumber("elapsed_ms", Math.Round(elapsed.TotalMilliseconds, 1)); }
        w.WriteEndObject();
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
}
