namespace SpamTrace.Logs.Parsing;

/// <summary>Postfix's <c>name[address]</c> and <c>name[address]:port</c> notation (the name may be empty: postscreen's <c>[ip]:port</c>).</summary>
internal static class HostAddress
{
    /// <summary>
    /// Reads <c>name[address]</c> at <paramref name="pos"/>; <paramref name="whole"/> spans it including a
    /// numeric <c>:port</c> when one follows. Returns the index after it, or -1 when the text is not of that form.
    /// </summary>
    public static int Parse(ReadOnlySpan<byte> line, int pos, out TextRange name, out TextRange address, out int port, out TextRange whole)
    {
        name = default;
        address = default;
        whole = default;
        port = 0;
        if ((uint)pos >= (uint)line.Length)
        {
            return -1;
        }
        // Host names never contain spaces or brackets: the first of the three decides.
        int i = line.Slice(pos).IndexOfAny((byte)'[', (byte)' ');
        if (i < 0 || line[pos + i] != (byte)'[')
        {
            return -1;
        }
        int open = pos + i;
        int close = LineSpan.Find(line, open + 1, (byte)']');
        if (close < 0)
        {
            return -1;
        }
        // An address never contains a space: a ']' past one means this was not an address.
        if (line.Slice(open + 1, close - open - 1).Contains((byte)' '))
        {
            return -1;
        }
        name = LineSpan.Range(pos, open);
        address = LineSpan.Range(open + 1, close);
        int end = close + 1;
        if (LineSpan.IsAt(line, end, (byte)':'))
        {
            int after = LineSpan.ParseInt(line, end + 1, out int p);
            if (after > 0)
            {
                port = p;
                end = after;
            }
        }
        whole = LineSpan.Range(pos, end);
        return end;
    }

    /// <summary>Fills the client fields of <paramref name="ev"/>; returns the index after the address or -1.</summary>
    public static int ParseClient(ReadOnlySpan<byte> line, int pos, ref LogEvent ev)
    {
        int end = Parse(line, pos, out var name, out var address, out int port, out _);
        if (end >= 0)
        {
            ev.ClientName = name;
            ev.ClientIp = address;
            ev.ClientPort = port;
        }
        return end;
    }

    /// <summary>Finds " from name[address]" inside [pos, end) and fills the client fields; false when there is none.</summary>
    public static bool FindClient(ReadOnlySpan<byte> line, int pos, int end, ref LogEvent ev)
    {
        int from = LineSpan.FindIn(line, pos, end, " from "u8);
        return from >= 0 && ParseClient(line, from + 6, ref ev) >= 0;
    }
}
