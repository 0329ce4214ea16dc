namespace SpamTrace.WebScan.Matching;

/// <summary>
/// A copy of PHP source with comments replaced by blanks (offsets unchanged): code in a comment does not run, and
/// documentation that names <c>$_POST</c> or <c>disable_functions</c> is not evidence. Strings are kept; text outside
/// &lt;?php ... ?&gt; (HTML) is kept as it is.
/// </summary>
public static class CommentBlanker
{
    public static string Blank(string text, bool startInPhp)
    {
        var chars = text.ToCharArray();
        var php = startInPhp;
        var changed = false;
        var i = 0;
        var n = chars.Length;
        while (i < n)
        {
            if (!php)
            {
                var open = text.IndexOf("<?", i, StringComparison.Ordinal);
                if (open < 0) { break; }
                php = true;
                i = open + 2;
                continue;
            }
            var c = chars[i];
            switch (c)
            {
                case '\'' or '"':
                    i = SkipString(chars, i);
                    continue;
                case '?' when i + 1 < n && chars[i + 1] == '>':
                    php = false;
                    i += 2;
                    continue;
                case '/' when i + 1 < n && chars[i + 1] == '*':
                    var close = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    var end = close < 0 ? n : close + 2;
                    BlankRange(chars, i, end);
                    changed = true;
                    i = end;
                    continue;
                case '#' when i + 1 < n && chars[i + 1] == '[':
                    i++;
                    continue;
                case '#':
                case '/' when i + 1 < n && chars[i + 1] == '/':
                    var stop = i;
                    while (stop < n && chars[stop] != '\n' && !(chars[stop] == '?' && stop + 1 < n && chars[stop + 1] == '>'))
                    {
                        stop++;
                    }
                    BlankRange(chars, i, stop);
                    changed = true;
                    i = stop;
                    continue;
            }
            i++;
        }
        return changed ? new string(chars) : text;
    }

    private static int SkipString(char[] chars, int open)
    {
        var quote = chars[open];
        var i = open + 1;
        while (i < chars.Length)
        {
            if (chars[i] == '\\') { i += 2; continue; }
            if (chars[i] == quote) { return i + 1; }
            i++;
        }
        return chars.Length;
    }

    private static void BlankRange(char[] chars, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (chars[i] != '\n') { chars[i] = ' '; }
        }
    }
}
