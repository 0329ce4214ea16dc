using System.Text;

namespace SpamTrace.Bounces.Parsing;

/// <summary>
/// Reads "Name: value" blocks separated by blank lines (a delivery-status or feedback-report body, quoted headers),
/// unfolding continuation lines. Names are case-insensitive; the first occurrence of a name wins.
/// </summary>
public static class FieldBlocks
{
    public static List<Dictionary<string, string>> Parse(string text, int maxBlocks = 256)
    {
        var blocks = new List<Dictionary<string, string>>();
        Dictionary<string, string>? current = null;
        string? lastName = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                current = null;
                lastName = null;
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                if (current is not null && lastName is not null)
                {
                    current[lastName] = current[lastName] + " " + line.Trim();
                }
                continue;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0 || line.AsSpan(0, colon).ContainsAny(' ', '\t'))
            {
                lastName = null;
                continue;
            }
            if (current is null)
            {
                if (blocks.Count >= maxBlocks)
                {
                    break;
                }
                current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                blocks.Add(current);
            }
            lastName = line[..colon];
            current.TryAdd(lastName, line[(colon + 1)..].Trim());
        }
        return blocks;
    }

    /// <summary>The decoded text of a MIME part, as its charset says (Latin-1 for bytes that are not UTF-8).</summary>
    public static string Text(MimeKit.MimePart part)
    {
        if (part is MimeKit.TextPart text)
        {
            return text.Text;
        }
        if (part.Content is null)
        {
            return "";
        }
        using var ms = new MemoryStream();
        part.Content.DecodeTo(ms);
        var bytes = ms.ToArray();
        try
        {
            return new UTF8Encoding(false, true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.Latin1.GetString(bytes);
        }
    }
}
