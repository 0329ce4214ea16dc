using System.Text;

namespace SpamTrace.Reports;

/// <summary>Log text is written by whoever talks to the mail server: never let it drive the terminal.</summary>
public static class TerminalText
{
    /// <summary>Replaces control characters (escape sequences, carriage returns, NEL, line and paragraph separators, bidi overrides) with visible \xNN / \uNNNN forms.</summary>
    public static string Escape(string text)
    {
        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            // char.IsControl covers C0, DEL and C1 (NEL U+0085); the line and paragraph separators end a line in many viewers.
            var unsafeChar = char.IsControl(c) || c is '\u2028' or '\u2029' or >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069';
            if (!unsafeChar)
            {
                sb?.Append(c);
                continue;
            }
            sb ??= new StringBuilder(text, 0, i, text.Length + 16);
            sb.Append(c <= 0xff ? $"\\x{(int)c:x2}" : $"\\u{(int)c:x4}");
        }
        return sb?.ToString() ?? text;
    }
}
