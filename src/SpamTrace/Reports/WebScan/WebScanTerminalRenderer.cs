using System.Globalization;
using System.Text;
using SpamTrace.WebScan;

namespace SpamTrace.Reports.WebScan;

/// <summary>webscan's terminal report: a ranked list of files with their reasons and an escaped snippet each.</summary>
public static class WebScanTerminalRenderer
{
    private const int ReasonsShown = 6;

    public static string Render(WebScanReport report, int top)
    {
        var text = new StringBuilder();
        var flagged = report.Flagged.ToList();
        var megabytes = report.Bytes / 1e6;
        var seconds = report.Elapsed.TotalSeconds;
        text.Append(CultureInfo.InvariantCulture,
            $"webscan: {report.PhpFiles:N0} PHP files ({megabytes:0.0} MB) of {report.FilesSeen:N0} in {report.Roots.Count} root(s), {seconds:0.00} s ({(seconds > 0 ? megabytes / seconds : 0):0} MB/s); ");
        text.Append(CultureInfo.InvariantCulture, $"{flagged.Count} flagged at threshold {report.Threshold}\n");
        var shown = report.Files.Where(f => f.Flagged(report.Threshold) || f.Focus.Count > 0).Take(top).ToList();
        var rank = 0;
        foreach (var file in shown)
        {
            rank++;
            text.Append(CultureInfo.InvariantCulture, $"\n{rank,3}. score {file.Score,3}  {TerminalText.Escape(file.Path)}");
            if (file.Sampled) { text.Append("  (huge: head and tail sampled)"); }
            text.Append('\n');
            foreach (var focus in file.Focus)
            {
                text.Append("       >> ").Append(TerminalText.Escape(focus)).Append('\n');
            }
            foreach (var reason in file.Reasons.Take(ReasonsShown))
            {
                text.Append(CultureInfo.InvariantCulture, $"       +{reason.Points,-2} {reason.RuleId}: {reason.Description}");
                if (reason.Layer is not null) { text.Append(" [decoded: ").Append(TerminalText.Escape(reason.Layer)).Append(']'); }
                text.Append("\n            ").Append(TerminalText.Escape(reason.Snippet)).Append('\n');
            }
            if (file.Reasons.Count > ReasonsShown)
            {
                text.Append(CultureInfo.InvariantCulture, $"       ... {file.Reasons.Count - ReasonsShown} more (--json for all)\n");
            }
        }
        if (flagged.Count > shown.Count(f => f.Flagged(report.Threshold)))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n... {flagged.Count - shown.Count(f => f.Flagged(report.Threshold))} more flagged files (--top N, --json)\n");
        }
        if (report.SkippedLinks > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{report.SkippedLinks} symlink(s) not followed (directories, or targets outside the tree)\n");
        }
        foreach (var error in report.Errors)
        {
            text.Append("error: ").Append(TerminalText.Escape(error)).Append('\n');
        }
        return text.ToString();
    }
}
