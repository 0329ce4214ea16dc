using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpamTrace.Dns.Spf;

/// <summary>Macro syntax (RFC 7208 7.1) and expansion (7.3, 7.4).</summary>
public static class SpfMacro
{
    private const string Delimiters = ".-+,/_=";

    /// <summary>
    /// Null when <paramref name="text"/> is a valid macro-string, else why not. The c, r and t letters are
    /// allowed only in explanation text; <paramref name="explanation"/> also allows spaces.
    /// </summary>
    public static string? Validate(string text, bool explanation)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                var error = ReadExpand(text, ref i, explanation, out _);
                if (error is not null)
                {
                    return error;
                }
            }
            else if (!(c is >= '!' and <= '~' || (explanation && c == ' ')))
            {
                return c > '~' ? "non-ASCII character" : $"invalid character 0x{(int)c:X2}";
            }
        }
        return null;
    }

    /// <summary>Whether a valid macro-string ends with a macro-expand (a domain-spec may end so instead of with a top label).</summary>
    public static bool EndsWithExpand(string text)
    {
        var last = false;
        for (var i = 0; i < text.Length; i++)
        {
            last = text[i] == '%' && ReadExpand(text, ref i, explanation: true, out _) is null;
        }
        return last;
    }

    /// <summary>Expands a validated macro-string; <paramref name="validatedName"/> is asked only when %{p} occurs.</summary>
    public static async Task<string> ExpandAsync(string text, SpfMacroContext context, bool explanation, Func<Task<string>> validatedName)
    {
        if (!text.Contains('%'))
        {
            return text;
        }
        var output = new StringBuilder(text.Length + 32);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '%')
            {
                output.Append(c);
                continue;
            }
            if (ReadExpand(text, ref i, explanation, out var macro) is { } error)
            {
                throw new FormatException(error);
            }
            switch (macro.Letter)
            {
                case '%': output.Append('%'); break;
                case '_': output.Append(' '); break;
                case '-': output.Append("%20"); break;
                default:
                    var value = char.ToLowerInvariant(macro.Letter) == 'p'
                        ? await validatedName().ConfigureAwait(false)
                        : Value(char.ToLowerInvariant(macro.Letter), context);
                    var transformed = Transform(value, macro);
                    output.Append(char.IsUpper(macro.Letter) ? UrlEscape(transformed) : transformed);
                    break;
            }
        }
        return output.ToString();
    }

    /// <summary>%{i} of an address: dotted quad, or the 32 nibbles of an IPv6 address separated by dots.</summary>
    public static string DottedAddress(IPAddress ip)
    {
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return ip.ToString();
        }
        var bytes = ip.GetAddressBytes();
        var nibbles = new StringBuilder(63);
        foreach (var b in bytes)
        {
            if (nibbles.Length > 0)
            {
                nibbles.Append('.');
            }
            nibbles.Append("0123456789abcdef"[b >> 4]).Append('.').Append("0123456789abcdef"[b & 15]);
        }
        return nibbles.ToString();
    }

    private static string Value(char letter, SpfMacroContext context) => letter switch
    {
        's' => context.Sender,
        'l' => context.LocalPart,
        'o' => context.SenderDomain,
        'd' => context.Domain,
        'i' => DottedAddress(context.Ip),
        'v' => context.Ip.AddressFamily == AddressFamily.InterNetwork ? "in-addr" : "ip6",
        'h' => context.Helo,
        'c' => context.Ip.ToString(),
        'r' => context.Receiver,
        't' => context.Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(letter)),
    };

    private static string Transform(string value, Macro macro)
    {
        if (macro.Digits == 0 && !macro.Reverse && macro.Delimiters.Length == 0)
        {
            return value;
        }
        var delimiters = macro.Delimiters.Length == 0 ? "." : macro.Delimiters;
        var parts = value.Split(delimiters.ToCharArray());
        if (macro.Reverse)
        {
            Array.Reverse(parts);
        }
        var take = macro.Digits == 0 ? parts.Length : Math.Min(macro.Digits, parts.Length);
        return string.Join('.', parts, parts.Length - take, take);
    }

    private static string UrlEscape(string value)
    {
        var output = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                output.Append(c);
            }
            else
            {
                output.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        return output.ToString();
    }

    /// <summary>Reads the macro-expand starting at text[i] == '%' and leaves i on its last character.</summary>
    private static string? ReadExpand(string text, ref int i, bool explanation, out Macro macro)
    {
        macro = default;
        if (i + 1 >= text.Length)
        {
            return "'%' at the end of a macro-string";
        }
        var next = text[i + 1];
        if (next is '%' or '_' or '-')
        {
            macro = new Macro(next, 0, false, "");
            i++;
            return null;
        }
        if (next != '{')
        {
            return $"'%{next}' is not a macro (a literal % is written %%)";
        }
        var close = text.IndexOf('}', i + 2);
        if (close < 0)
        {
            return "unterminated macro '%{'";
        }
        var body = text.AsSpan(i + 2, close - i - 2);
        if (body.Length == 0)
        {
            return "empty macro '%{}'";
        }
        var letter = body[0];
        var lower = char.ToLowerInvariant(letter);
        if ("slodiphcrtv".IndexOf(lower) < 0)
        {
            return $"unknown macro letter '{letter}'";
        }
        if (!explanation && lower is 'c' or 'r' or 't')
        {
            return $"macro '%{{{letter}}}' is allowed only in explanation text";
        }
        var p = 1;
        var digits = 0;
        var digitCount = 0;
        while (p < body.Length && char.IsAsciiDigit(body[p]))
        {
            digits = Math.Min(digits * 10 + (body[p] - '0'), 1000);
            p++;
            digitCount++;
        }
        if (digitCount > 0 && digits == 0)
        {
            return "a macro's digit transformer must not be zero";
        }
        var reverse = false;
        if (p < body.Length && body[p] is 'r' or 'R')
        {
            reverse = true;
            p++;
        }
        for (var d = p; d < body.Length; d++)
        {
            if (Delimiters.IndexOf(body[d]) < 0)
            {
                return $"invalid macro delimiter '{body[d]}'";
            }
        }
        macro = new Macro(letter, digits, reverse, body[p..].ToString());
        i = close;
        return null;
    }

    private readonly record struct Macro(char Letter, int Digits, bool Reverse, string Delimiters);
}
