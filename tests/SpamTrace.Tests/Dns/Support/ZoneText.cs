namespace SpamTrace.Tests.Dns.Support;

/// <summary>Zone-file syntax helpers.</summary>
public static class ZoneText
{
    /// <summary>A TXT record's data: the text in quoted strings of at most 255 characters each, quotes and backslashes escaped.</summary>
    public static string Txt(string text)
    {
        var parts = new List<string>();
        for (var i = 0; i < text.Length || parts.Count == 0; i += 255)
        {
            var chunk = text.Substring(i, Math.Min(255, text.Length - i));
            parts.Add("\"" + chunk.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");
        }
        return string.Join(' ', parts);
    }
}
