using System.Globalization;
using System.Text;

namespace SpamTrace.Reports.Diagnose;

/// <summary>An inline SVG bar chart of recipients per time bin, with the burst start marked; no script, no external asset.</summary>
public static class SvgTimeline
{
    public static string Render(long[] bins, DateTime startUtc, TimeSpan width, DateTime? markUtc, string label, int pixelWidth = 720, int pixelHeight = 90)
    {
        var sb = new StringBuilder();
        var max = Math.Max(1, bins.Length == 0 ? 1 : bins.Max());
        var barWidth = bins.Length == 0 ? pixelWidth : (double)pixelWidth / bins.Length;
        var chartHeight = pixelHeight - 16;
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{pixelWidth}\" height=\"{pixelHeight}\" viewBox=\"0 0 {pixelWidth} {pixelHeight}\" role=\"img\" aria-label=\"{Html.E(label)}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{pixelWidth}\" height=\"{chartHeight}\" fill=\"#f6f7f9\"/>");
        for (var i = 0; i < bins.Length; i++)
        {
            if (bins[i] == 0)
            {
                continue;
            }
            var h = Math.Max(1.0, (double)bins[i] / max * (chartHeight - 4));
            var t = startUtc + (width * i);
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{i * barWidth:F1}\" y=\"{chartHeight - h:F1}\" width=\"{Math.Max(1, barWidth - 1):F1}\" height=\"{h:F1}\" fill=\"#c0392b\"><title>{t:yyyy-MM-dd HH:mm} UTC: {bins[i]} recipients</title></rect>");
        }
        if (markUtc is { } m && bins.Length > 0)
        {
            var x = (m - startUtc).TotalMinutes / width.TotalMinutes * barWidth;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" y1=\"0\" x2=\"{x:F1}\" y2=\"{chartHeight}\" stroke=\"#222\" stroke-dasharray=\"3,2\"/>");
        }
        var end = startUtc + (width * bins.Length);
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{pixelHeight - 3}\" font-size=\"11\" fill=\"#555\">{startUtc:yyyy-MM-dd HH:mm}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{pixelWidth}\" y=\"{pixelHeight - 3}\" font-size=\"11\" fill=\"#555\" text-anchor=\"end\">{end:yyyy-MM-dd HH:mm} UTC, peak {max}</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }
}

/// <summary>HTML escaping for every piece of text that reaches the page (log text is attacker controlled).</summary>
public static class Html
{
    public static string E(string? text) => System.Net.WebUtility.HtmlEncode(text ?? "");
}
