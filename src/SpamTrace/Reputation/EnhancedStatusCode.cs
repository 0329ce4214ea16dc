namespace SpamTrace.Reputation;

/// <summary>An RFC 3463 enhanced status code such as 5.7.26, found in a dsn= field or inside a reply text.</summary>
public readonly record struct EnhancedStatusCode(int Class, int Subject, int Detail)
{
    public override string ToString() => $"{Class}.{Subject}.{Detail}";

    public static bool TryParse(ReadOnlySpan<char> text, out EnhancedStatusCode code)
    {
        code = default;
        var found = Scan(text, 0, out code, out _);
        // The text is the code and nothing else: as long as its canonical form (no leading zeros), counted, not formatted.
        return found && text.Trim().Length == 2 + Digits(code.Class) + Digits(code.Subject) + Digits(code.Detail);
    }

    private static int Digits(int n) => n < 10 ? 1 : n < 100 ? 2 : n < 1000 ? 3 : n.ToString(System.Globalization.CultureInfo.InvariantCulture).Length;

    /// <summary>Every enhanced status code in a text ("550-5.7.26 ... 550 5.7.26"), at most as many as <paramref name="into"/> holds.</summary>
    public static int FindAll(ReadOnlySpan<char> text, Span<EnhancedStatusCode> into)
    {
        var count = 0;
        var start = 0;
        while (count < into.Length && Scan(text, start, out var code, out var next))
        {
            into[count++] = code;
            start = next;
        }
        return count;
    }

    /// <summary>Finds the next "d.d{1,3}.d{1,3}" with class 2, 4 or 5 not glued to other digits or dots (skips IPs).</summary>
    private static bool Scan(ReadOnlySpan<char> text, int start, out EnhancedStatusCode code, out int next)
    {
        code = default;
        next = text.Length;
        for (var i = start; i + 4 < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('2' or '4' or '5') || text[i + 1] != '.')
            {
                continue;
            }
            if (i > 0 && (char.IsAsciiDigit(text[i - 1]) || text[i - 1] == '.'))
            {
                continue;
            }
            var j = i + 2;
            var subject = ReadNumber(text, ref j);
            if (subject < 0 || j >= text.Length || text[j] != '.')
            {
                continue;
            }
            j++;
            var detail = ReadNumber(text, ref j);
            if (detail < 0 || (j < text.Length && (char.IsAsciiDigit(text[j]) || (text[j] == '.' && j + 1 < text.Length && char.IsAsciiDigit(text[j + 1])))))
            {
                continue;
            }
            code = new EnhancedStatusCode(c - '0', subject, detail);
            next = j;
            return true;
        }
        return false;
    }

    private static int ReadNumber(ReadOnlySpan<char> text, ref int j)
    {
        var value = 0;
        var digits = 0;
        while (j < text.Length && char.IsAsciiDigit(text[j]) && digits < 4)
        {
            value = (value * 10) + (text[j] - '0');
            j++;
            digits++;
        }
        return digits is 0 or > 3 ? -1 : value;
    }
}
