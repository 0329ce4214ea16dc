namespace SpamTrace.Logs.Parsing;

/// <summary>
/// The envelope tail of reject and header/body-check lines: <c>from=&lt;s&gt; to=&lt;r&gt; proto=ESMTP helo=&lt;h&gt;</c>
/// (smtpd/cleanup separate with spaces, postscreen with ", ").
/// </summary>
internal static class KeyValueParser
{
    /// <summary>
    /// Index of the ';' that starts the envelope tail inside [from, end): the first ';' followed (after spaces)
    /// by from=&lt;, to=&lt;, proto= or helo=. -1 when there is none.
    /// </summary>
    public static int FindTail(ReadOnlySpan<byte> line, int from, int end)
    {
        int pos = from;
        while (true)
        {
            int semi = LineSpan.FindIn(line, pos, end, ";"u8);
            if (semi < 0)
            {
                return -1;
            }
            int k = LineSpan.SkipSpaces(line, semi + 1);
            if (LineSpan.At(line, k, "from=<"u8) || LineSpan.At(line, k, "to=<"u8) || LineSpan.At(line, k, "proto="u8)
                || LineSpan.At(line, k, "helo="u8))
            {
                return semi;
            }
            pos = semi + 1;
        }
    }

    /// <summary>Reads from=, to=, proto=, helo= at <paramref name="pos"/>; returns where it stopped (end, or a ':' after the values).</summary>
    public static int ParseEnvelope(ReadOnlySpan<byte> line, int pos, ref LogEvent ev)
    {
        while (true)
        {
            while ((uint)pos < (uint)line.Length && line[pos] is (byte)' ' or (byte)',')
            {
                pos++;
            }
            if (pos >= line.Length)
            {
                return line.Length;
            }
            if (LineSpan.At(line, pos, "from="u8))
            {
                pos = Value(line, pos + 5, out ev.From);
            }
            else if (LineSpan.At(line, pos, "to="u8))
            {
                pos = Value(line, pos + 3, out ev.To);
            }
            else if (LineSpan.At(line, pos, "proto="u8))
            {
                pos = Value(line, pos + 6, out ev.Proto);
            }
            else if (LineSpan.At(line, pos, "helo="u8))
            {
                pos = Value(line, pos + 5, out ev.Helo);
            }
            else
            {
                return pos;
            }
        }
    }

    /// <summary>
    /// A value: &lt;...&gt; (the inside, ending at a '&gt;' followed by a space, comma, colon, semicolon or the end)
    /// or a bare word (ending at a space, comma or the end).
    /// </summary>
    public static int Value(ReadOnlySpan<byte> line, int pos, out TextRange value)
    {
        value = TextRange.None;
        if (LineSpan.IsAt(line, pos, (byte)'<'))
        {
            int i = pos + 1;
            while (true)
            {
                int close = LineSpan.Find(line, i, (byte)'>');
                if (close < 0)
                {
                    value = LineSpan.Range(pos + 1, line.Length);
                    return line.Length;
                }
                int after = close + 1;
                if (after >= line.Length || line[after] is (byte)' ' or (byte)',' or (byte)':' or (byte)';')
                {
                    value = LineSpan.Range(pos + 1, close);
                    return after;
                }
                i = after;
            }
        }
        int end = pos;
        while (end < line.Length && line[end] is not ((byte)' ' or (byte)','))
        {
            end++;
        }
        // A bare helo= followed by the cleanup reason "helo=x: reason" keeps its colon outside.
        int valueEnd = end;
        if (valueEnd > pos && line[valueEnd - 1] == (byte)':' && end < line.Length)
        {
            valueEnd--;
            end--;
        }
        value = LineSpan.Range(pos, valueEnd);
        return end;
    }
}
