using System.Text.Json;
using SpamTrace.WebScan;

namespace SpamTrace.Reports.WebScan;

/// <summary><c>webscan --json</c>: schema spamtrace.webscan/1, every scored file ranked, with its reasons.</summary>
public static class WebScanJsonWriter
{
    public static void Write(Stream output, WebScanReport report)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("schema", "spamtrace.webscan/1");
        json.WriteStartArray("roots");
        foreach (var root in report.Roots) { json.WriteStringValue(root); }
        json.WriteEndArray();
        json.WriteNumber("threshold", report.Threshold);
        json.WriteNumber("files_seen", report.FilesSeen);
        json.WriteNumber("php_files", report.PhpFiles);
        json.WriteNumber("bytes", report.Bytes);
        json.WriteNumber("seconds", Math.Round(report.Elapsed.TotalSeconds, 3));
        json.WriteNumber("skipped_links", report.SkippedLinks);
        json.WriteNumber("flagged", report.Flagged.Count());
        json.WriteStartArray("files");
        foreach (var file in report.Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteNumber("score", file.Score);
            json.WriteBoolean("flagged", file.Flagged(report.Threshold));
            json.WriteNumber("size", file.Size);
            json.WriteBoolean("sampled", file.Sampled);
            json.WriteNumber("decoded_layers", file.DecodedLayers);
            if (file.Uid is { } uid) { json.WriteNumber("uid", uid); } else { json.WriteNull("uid"); }
            if (file.Modified is { } modified) { json.WriteString("mtime", modified); } else { json.WriteNull("mtime"); }
            json.WriteStartArray("focus");
            foreach (var focus in file.Focus) { json.WriteStringValue(focus); }
            json.WriteEndArray();
            json.WriteStartArray("reasons");
            foreach (var reason in file.Reasons)
            {
                json.WriteStartObject();
                json.WriteString("rule", reason.RuleId);
                json.WriteNumber("points", reason.Points);
                json.WriteString("description", reason.Description);
                json.WriteString("snippet", reason.Snippet);
                if (reason.Layer is null) { json.WriteNull("layer"); } else { json.WriteString("layer", reason.Layer); }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("errors");
        foreach (var error in report.Errors) { json.WriteStringValue(error); }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
