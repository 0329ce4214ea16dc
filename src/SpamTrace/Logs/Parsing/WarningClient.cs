namespace SpamTrace.Logs.Parsing;

/// <summary>
/// The client an smtpd/postscreen warning is about, for per-IP context: "name[ip]: ...", "... from name[ip] ...",
/// "ip: address not listed for hostname ...", "hostname H does not resolve to address ip".
/// </summary>
internal static class WarningClient
{
    public static void Find(ReadOnlySpan<byte> line, int text, ref LogEvent ev)
    {
        if (HostAddress.ParseClient(line, text, ref ev) >= 0 || HostAddress.FindClient(line, text, line.Length, ref ev))
        {
            return;
        }
        int resolve = LineSpan.Find(line, text, " does not resolve to address "u8);
        if (resolve >= 0)
        {
            int ip = resolve + 29;
            ev.ClientIp = LineSpan.Range(ip, AddressEnd(line, ip));
            return;
        }
        int end = AddressEnd(line, text);
        if (end > text + 2 && LineSpan.At(line, end, ": "u8) && line.Slice(text, end - text).ContainsAny((byte)'.', (byte)':'))
        {
            ev.ClientIp = LineSpan.Range(text, end);
        }
    }

    /// <summary>End of an IPv4/IPv6 literal (hex digits, dots, colons) that stops before a ": " separator.</summary>
    private static int AddressEnd(ReadOnlySpan<byte> line, int pos)
    {
        int i = pos;
        while (i < line.Length)
        {
            byte b = line[i];
            bool hex = LineSpan.IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'f' - 'a';
            if (!(hex || b == (byte)'.' || (b == (byte)':' && !LineSpan.IsAt(line, i + 1, (byte)' ') && i + 1 < line.Length)))
            {
                break;
            }
            i++;
        }
        return i;
    }
}
