namespace SpamTrace.WebScan.Matching;

/// <summary>The argument text of a call: from its opening parenthesis to the matching closing one, bounded.</summary>
public static class CallArguments
{
    public const int MaxLength = 600;

    /// <summary>The text between '(' at <paramref name="open"/> and its match, or up to <see cref="MaxLength"/> characters.</summary>
    public static ReadOnlySpan<char> At(ReadOnlySpan<char> text, int open)
    {
        var depth = 0;
        var end = Math.Min(text.Length, open + MaxLength);
        var quote = '\0';
        for (var i = open; i < end; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\') { i++; }
                else if (c == quote) { quote = '\0'; }
                continue;
            }
            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    break;
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    if (depth == 0)
                    {
                        return text[(open + 1)..i];
                    }
                    break;
                case ';' when depth == 1:
                    return text[(open + 1)..i];
            }
        }
        return text[Math.Min(open + 1, end)..end];
    }
}
