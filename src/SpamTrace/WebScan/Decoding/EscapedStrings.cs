using System.Text;

namespace SpamTrace.WebScan.Decoding;

/// <summary>
/// PHP double-quoted strings written mostly as \xNN and \NNN escapes ("\x62\141\163..." is "bas..."): decodes the
/// ones with several escapes, so the names and code they hide are matched like plain text.
/// </summary>
public static class EscapedStrings
{
    private const int MinEscapes = 4;

    public static string? Decode(string text, int maxChars)
    {
        if (!text.Contains("\\x", StringComparison.OrdinalIgnoreCase) && !HasOctal(text))
        {
            return null;
        }
        var output = new StringBuilder();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length && output.Length < maxChars)
        {
            var open = text.IndexOf('"', i);
            if (open < 0)
            {
                break;
            }
            literal.Clear();
            var escapes = 0;
            var j = open + 1;
            for (; j < text.Length && text[j] != '"'; j++)
            {
                var c = text[j];
                if (c != '\\' || j + 1 >= text.Length)
                {
                    literal.Append(c);
                    continue;
                }
                var next = text[j + 1];
                if ((next is 'x' or 'X') && j + 2 < text.Length && IsHex(text[j + 2]))
                {
                    var length = j + 3 < text.Length && IsHex(text[j + 3]) ? 2 : 1;
                    literal.Append((char)Convert.ToInt32(text.Substring(j + 2, length), 16));
                    j += 1 + length;
                    escapes++;
                }
                else if (next is >= '0' and <= '7')
                {
                    var length = 1;
                    while (length < 3 && j + 1 + length < text.Length && text[j + 1 + length] is >= '0' and <= '7') { length++; }
                    literal.Append((char)(Convert.ToInt32(text.Substring(j + 1, length), 8) & 0xff));
                    j += length;
                    escapes++;
                }
                else
                {
                    literal.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
                    j++;
                }
            }
            if (escapes >= MinEscapes)
            {
                output.Append(literal).Append('\n');
            }
            i = j + 1;
        }
        return output.Length == 0 ? null : output.ToString();
    }

    /// <summary>Share of the text written as \xNN or \NNN escapes.</summary>
    public static double Share(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }
        long escaped = 0;
        var at = 0;
        while ((at = text.IndexOf('\\', at)) >= 0 && at + 3 < text.Length)
        {
            var next = text[at + 1];
            if ((next is 'x' or 'X') && IsHex(text[at + 2]) && IsHex(text[at + 3]))
            {
                escaped += 4;
                at += 4;
            }
            else if (next is >= '0' and <= '3' && text[at + 2] is >= '0' and <= '7' && text[at + 3] is >= '0' and <= '7')
            {
                escaped += 4;
                at += 4;
            }
            else
            {
                at += 2;
            }
        }
        return (double)escaped / text.Length;
    }

    private static bool HasOctal(string text)
    {
        var at = text.IndexOf('\\');
        var checks = 0;
        while (at >= 0 && at + 3 < text.Length && checks++ < 10_000)
        {
            if (text[at + 1] is >= '0' and <= '3' && text[at + 2] is >= '0' and <= '7' && text[at + 3] is >= '0' and <= '7')
            {
                return true;
            }
            at = text.IndexOf('\\', at + 1);
        }
        return false;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
