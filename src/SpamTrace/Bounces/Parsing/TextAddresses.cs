using System.Text.RegularExpressions;

namespace SpamTrace.Bounces.Parsing;

/// <summary>Finds the e-mail addresses a bounce's text names, and the text that explains each.</summary>
public static partial class TextAddresses
{
    public static IEnumerable<string> Find(string text) =>
        Address().Matches(text).Select(m => m.Groups[1].Value.TrimEnd('.'));

    /// <summary>The line naming the address and the few after it: where MTAs put the remote server's answer.</summary>
    public static string Around(string text, string address)
    {
        var at = text.IndexOf(address, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return text;
        }
        var lineStart = text.LastIndexOf('\n', Math.Max(0, at - 1)) + 1;
        var end = lineStart;
        for (var lines = 0; lines < 6 && end < text.Length; lines++)
        {
            var next = text.IndexOf('\n', end);
            end = next < 0 ? text.Length : next + 1;
        }
        return text[lineStart..end];
    }

    [GeneratedRegex(@"<?([A-Za-z0-9._%+=/'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)>?")]
    private static partial Regex Address();
}
