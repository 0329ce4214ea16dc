using System.Globalization;
using System.Text;

namespace SpamTrace.Reports.Diagnose;

/// <summary>
/// An inline SVG bar chart of recipients per time bin, with the burst start marked; no script, no external asset.
/// Both axes are labelled: recipients per bin (the bin's width in words) and time in UTC, with ticks whose format
/// follows the log window (hours within a day, dates beyond).
/// </summary>
public static class SvgTimeline
{
    private const int Left = 44;
    private const int Bottom = 30;
    private const int Ticks = 4;

    public static string Render(long[] bins, DateTime startUtc, TimeSpan width, DateTime? markUtc, string label, int pixelWidth = 720, int pixelHeight = 120)
    {
        var sb = new StringBuilder();
        var max = Math.Max(1, bins.Length == 0 ? 1 : bins.Max());
        var plotWidth = pixelWidth - Left;
        var barWidth = bins.Length == 0 ? plotWidth : (double)plotWidth / bins.Length;
        var chartHeight = pixelHeight - Bottom;
        var unit = $"recipients per {BinName(width)}";
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{pixelWidth}\" height=\"{pixelHeight}\" viewBox=\"0 0 {pixelWidth} {pixelHeight}\" role=\"img\" aria-label=\"{Html.E(label)}: {unit}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"0\" width=\"{plotWidth}\" height=\"{chartHeight}\" fill=\"#f6f7f9\"/>");
        for (var i = 0; i < bins.Length; i++)
        {
            if (bins[i] == 0)
            {
                continue;
            }
            var h = Math.Max(1.0, (double)bins[i] / max * (chartHeight - 4));
            var t = startUtc + (width * i);
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{Left + (i * barWidth):F1}\" y=\"{chartHeight - h:F1}\" width=\"{Math.Max(1, barWidth - 1):F1}\" height=\"{h:F1}\" fill=\"#c0392b\"><title>{t:yyyy-MM-dd HH:mm} UTC: {bins[i]} {unit}</title></rect>");
        }
        if (markUtc is { } m && bins.Length > 0)
        {
            var x = Left + ((m - startUtc).TotalMinutes / width.TotalMinutes * barWidth);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" y1=\"0\" x2=\"{x:F1}\" y2=\"{chartHeight}\" stroke=\"#222\" stroke-dasharray=\"3,2\"/>");
        }

        // y axis: 0 and the peak, with the unit.
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"0\" x2=\"{Left}\" y2=\"{chartHeight}\" stroke=\"#888\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"y-tick\" x=\"{Left - 4}\" y=\"10\" font-size=\"11\" fill=\"#555\" text-anchor=\"end\">{max}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"y-tick\" x=\"{Left - 4}\" y=\"{chartHeight}\" font-size=\"11\" fill=\"#555\" text-anchor=\"end\">0</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"y-label\" x=\"{Left + 4}\" y=\"12\" font-size=\"11\" fill=\"#555\">{Html.E(unit)}</text>");

        // x axis: evenly spaced ticks over the window, then the axis title.
        var span = width * Math.Max(1, bins.Length);
        var format = span <= TimeSpan.FromDays(1) ? "HH:mm" : span <= TimeSpan.FromDays(60) ? "MM-dd HH:mm" : "yyyy-MM-dd";
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{chartHeight}\" x2=\"{pixelWidth}\" y2=\"{chartHeight}\" stroke=\"#888\"/>");
        for (var k = 0; k <= Ticks; k++)
        {
            var x = Left + ((double)plotWidth * k / Ticks);
            var t = startUtc + (span * k / Ticks);
            var anchor = k == 0 ? "start" : k == Ticks ? "end" : "middle";
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" y1=\"{chartHeight}\" x2=\"{x:F1}\" y2=\"{chartHeight + 4}\" stroke=\"#888\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"x-tick\" x=\"{x:F1}\" y=\"{chartHeight + 15}\" font-size=\"11\" fill=\"#555\" text-anchor=\"{anchor}\">{t.ToString(format, CultureInfo.InvariantCulture)}</text>");
        }
        var first = startUtc.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"x-label\" x=\"{Left + (plotWidth / 2)}\" y=\"{pixelHeight - 2}\" font-size=\"11\" fill=\"#555\" text-anchor=\"middle\">time (UTC{(format == "HH:mm" ? ", " + first : "")})</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>The bin width in words: "minute", "10 minutes", "hour", "6 hours", "day".</summary>
    public static string BinName(TimeSpan width) =>
        width.TotalDays >= 1 ? (width.TotalDays == 1 ? "day" : string.Create(CultureInfo.InvariantCulture, $"{width.TotalDays:0.#} days"))
        : width.TotalHours >= 1 ? (width.TotalHours == 1 ? "hour" : string.Create(CultureInfo.InvariantCulture, $"{width.TotalHours:0.#} hours"))
        : width.TotalMinutes == 1 ? "minute" : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, width.TotalMinutes):0.#} minutes");
}

/// <summary>HTML escaping for every piece of text that reaches the page (log text is attacker controlled).</summary>
public static class Html
{
    public static string E(string? text) => System.Net.WebUtility.HtmlEncode(text ?? "");
}
