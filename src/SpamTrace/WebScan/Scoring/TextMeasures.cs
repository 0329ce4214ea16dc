namespace SpamTrace.WebScan.Scoring;

/// <summary>Obfuscation measures of a text: escape share, longest line, entropy of the longest line.</summary>
public readonly record struct TextMeasures(double EscapeShare, int LongestLine, double Entropy, int StringOperators)
{
    private const int MinEntropyLine = 1000;
    private const int EntropySample = 64 * 1024;

    /// <param name="text">The file as read.</param>
    /// <param name="code">The same with comments blanked.</param>
    public static TextMeasures Of(string text, string code)
    {
        var longest = 0;
        var longestStart = 0;
        var start = 0;
        var span = text.AsSpan();
        while (start <= span.Length)
        {
            var end = span[start..].IndexOf('\n');
            var length = end < 0 ? span.Length - start : end;
            if (length > longest)
            {
                longest = length;
                longestStart = start;
            }
            if (end < 0) { break; }
            start += end + 1;
        }
        var entropy = longest >= MinEntropyLine ? BitsPerChar(span.Slice(longestStart, Math.Min(longest, EntropySample))) : 0;
        return new TextMeasures(Decoding.EscapedStrings.Share(text), longest, entropy, StringOperatorCount(code));
    }

    /// <summary>
    /// Bitwise operators between string literals ('W2vzV'^SJJs, "\$0b"|'84l'): how XOR/OR-packed shells build
    /// their function names. Legitimate code combines strings with '.', almost never with ^, | or &amp;.
    /// </summary>
    private static int StringOperatorCount(string code)
    {
        const int other = 0, literal = 1, bareword = 2;
        var count = 0;
        var last = other;
        var pendingOperator = false;
        var i = 0;
        while (i < code.Length)
        {
            var c = code[i];
            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (end < code.Length && code[end] != c) { end += code[end] == '\\' ? 2 : 1; }
                if (pendingOperator) { count++; }
                pendingOperator = false;
                last = literal;
                i = end + 1;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < code.Length && (char.IsAsciiLetterOrDigit(code[i]) || code[i] == '_')) { i++; }
                var isBareword = start == 0 || code[start - 1] is not ('$' or '>' or ':');
                if (pendingOperator && isBareword && last == literal) { count++; }
                pendingOperator = false;
                last = isBareword ? bareword : other;
                continue;
            }
            if (c is '^' or '|' or '&' && i + 1 < code.Length && code[i + 1] != c && code[i + 1] != '=' && (i == 0 || code[i - 1] != c))
            {
                pendingOperator = last is literal or bareword;
                if (last == bareword && !NextIsLiteral(code, i + 1)) { pendingOperator = false; }
                i++;
                continue;
            }
            if (!char.IsWhiteSpace(c) && c != '~' && c != '(' && c != ')')
            {
                pendingOperator = false;
                last = other;
            }
            i++;
        }
        return count;
    }

    private static bool NextIsLiteral(string code, int from)
    {
        for (var i = from; i < code.Length; i++)
        {
            if (code[i] is '\'' or '"') { return true; }
            if (!char.IsWhiteSpace(code[i]) && code[i] != '~') { return false; }
        }
        return false;
    }

    private static double BitsPerChar(ReadOnlySpan<char> text)
    {
        Span<int> counts = stackalloc int[256];
        foreach (var c in text)
        {
            counts[c & 0xff]++;
        }
        var bits = 0.0;
        foreach (var n in counts)
        {
            if (n == 0) { continue; }
            var p = (double)n / text.Length;
            bits -= p * Math.Log2(p);
        }
        return bits;
    }

    public double Value(string name, int decodedLayers) => name switch
    {
        "escape_share" => EscapeShare,
        "longest_line" => LongestLine,
        "entropy" => Entropy,
        "decoded_layers" => decodedLayers,
        "string_operators" => StringOperators,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown measure"),
    };
}
