using System.Text;

namespace SpamTrace.Audit.Config;

/// <summary>
/// Postfix's $name expansion (mac_expand), recursively as postconf -x does: $name, ${name}, $(name), $$,
/// ${name?text}, ${name:text}, ${name?{text}:{text}}, and the Postfix 3.5+ comparisons
/// ${{a} == {b} ? {t} : {f}} with ==, !=, &lt;, &lt;=, &gt;, &gt;= and their "level" (compatibility level) forms.
/// A name that is defined with an empty value counts as unset for ? and :, as in Postfix.
/// </summary>
public sealed class ParameterExpander(Func<string, string?> lookup)
{
    private const int MaxDepth = 100;

    public string Expand(string text) => Expand(text, 0);

    private string Expand(string text, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ConfigException($"parameter expansion loops (more than {MaxDepth} levels) in: {text}");
        }
        if (!text.Contains('$'))
        {
            return text;
        }
        var sb = new StringBuilder(text.Length + 32);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }
            var next = text[i + 1];
            if (next == '$')
            {
                sb.Append('$');
                i += 2;
            }
            else if (next is '{' or '(')
            {
                var close = Matching(text, i + 1);
                if (close < 0)
                {
                    sb.Append(text, i, text.Length - i);
                    break;
                }
                sb.Append(Braced(text.Substring(i + 2, close - i - 2), depth));
                i = close + 1;
            }
            else if (MainCfParser.IsNameChar(next) && next != '-' && next != '.')
            {
                var s = i + 1;
                var e = s;
                while (e < text.Length && (char.IsAsciiLetterOrDigit(text[e]) || text[e] == '_')) { e++; }
                sb.Append(Value(text[s..e], depth));
                i = e;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }
        return sb.ToString();
    }

    private string Value(string name, int depth) => lookup(name) is { } v ? Expand(v, depth + 1) : "";

    private string Braced(string inner, int depth)
    {
        var trimmed = inner.TrimStart();
        if (trimmed.StartsWith('{'))
        {
            return Comparison(trimmed, depth);
        }
        var op = inner.IndexOfAny(['?', ':']);
        if (op < 0)
        {
            return Value(inner.Trim(), depth);
        }
        var name = inner[..op].Trim();
        var rest = inner[(op + 1)..];
        var raw = lookup(name);
        var set = raw is not null && Expand(raw, depth + 1).Length > 0;
        var (whenTrue, whenFalse) = Branches(rest);
        if (inner[op] == '?')
        {
            return set ? Expand(whenTrue, depth + 1) : whenFalse is null ? "" : Expand(whenFalse, depth + 1);
        }
        return set ? "" : Expand(whenTrue, depth + 1);
    }

    /// <summary>"text" or "{text}" or "{text}:{text}" after ? or :.</summary>
    private static (string First, string? Second) Branches(string rest)
    {
        var t = rest.Trim();
        if (!t.StartsWith('{'))
        {
            return (rest, null);
        }
        var close = Matching(t, 0);
        if (close < 0)
        {
            return (rest, null);
        }
        var first = t[1..close];
        var after = t[(close + 1)..].TrimStart();
        if (after.StartsWith(':'))
        {
            var second = after[1..].Trim();
            if (second.StartsWith('{') && Matching(second, 0) is var c2 && c2 > 0)
            {
                return (first, second[1..c2]);
            }
            return (first, second);
        }
        return (first, null);
    }

    private string Comparison(string text, int depth)
    {
        var c1 = Matching(text, 0);
        if (c1 < 0) { throw new ConfigException($"missing '}}' in: ${{{text}}}"); }
        var left = Expand(text[1..c1], depth + 1).Trim();
        var rest = text[(c1 + 1)..].TrimStart();
        var opEnd = 0;
        while (opEnd < rest.Length && rest[opEnd] != '{' && !char.IsWhiteSpace(rest[opEnd])) { opEnd++; }
        var op = rest[..opEnd];
        rest = rest[opEnd..].TrimStart();
        var c2 = Matching(rest, 0);
        if (c2 < 0) { throw new ConfigException($"missing '}}' in: ${{{text}}}"); }
        var right = Expand(rest[1..c2], depth + 1).Trim();
        rest = rest[(c2 + 1)..].TrimStart();
        if (!rest.StartsWith('?')) { throw new ConfigException($"missing '?' in: ${{{text}}}"); }
        var (whenTrue, whenFalse) = Branches(rest[1..]);
        var result = op switch
        {
            "==" => left == right,
            "!=" => left != right,
            "<" => string.CompareOrdinal(left, right) < 0,
            "<=" => string.CompareOrdinal(left, right) <= 0,
            ">" => string.CompareOrdinal(left, right) > 0,
            ">=" => string.CompareOrdinal(left, right) >= 0,
            "<level" => CompatibilityLevel.Compare(left, right) < 0,
            "<=level" => CompatibilityLevel.Compare(left, right) <= 0,
            ">level" => CompatibilityLevel.Compare(left, right) > 0,
            ">=level" => CompatibilityLevel.Compare(left, right) >= 0,
            _ => throw new ConfigException($"unknown operator '{op}' in: ${{{text}}}"),
        };
        return result ? Expand(whenTrue, depth + 1) : whenFalse is null ? "" : Expand(whenFalse, depth + 1);
    }

    /// <summary>Index of the bracket closing the one at open ('{' or '('), or -1.</summary>
    private static int Matching(string text, int open)
    {
        var o = text[open];
        var cl = o == '(' ? ')' : '}';
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == o) { depth++; }
            else if (text[i] == cl && --depth == 0) { return i; }
        }
        return -1;
    }
}
