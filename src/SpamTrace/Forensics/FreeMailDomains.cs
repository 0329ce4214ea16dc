namespace SpamTrace.Forensics;

/// <summary>Free-mail domains (Data/freemail-domains.txt), for the share of free-mail recipients per origin.</summary>
public static class FreeMailDomains
{
    private static readonly Lazy<HashSet<string>> Domains = new(Load);

    public static bool Contains(string domain) => Domains.Value.Contains(domain);

    private static HashSet<string> Load()
    {
        var asm = typeof(FreeMailDomains).Assembly;
        var name = asm.GetManifestResourceNames().Single(r => r.EndsWith("Forensics.Data.freemail-domains.txt", StringComparison.Ordinal));
        using var reader = new StreamReader(asm.GetManifestResourceStream(name)!);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            var d = line.Trim();
            if (d.Length > 0 && d[0] != '#')
            {
                set.Add(d);
            }
        }
        return set;
    }
}

/// <summary>Small helpers on addresses and IPs from logs (attacker-controlled text: never trusted to be well formed).</summary>
public static class AddressText
{
    /// <summary>The domain of an address, lower-case; empty when there is none.</summary>
    public static string DomainOf(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return "";
        }
        var at = address.LastIndexOf('@');
        return at < 0 || at == address.Length - 1 ? "" : address[(at + 1)..].TrimEnd('>', '.').ToLowerInvariant();
    }

    public static string LocalPartOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address[..at];
    }

    /// <summary>The network an IP belongs to for "how many networks": /24 for IPv4, /48 for IPv6.</summary>
    public static string NetworkOf(string ip)
    {
        if (System.Net.IPAddress.TryParse(ip, out var addr))
        {
            var bytes = addr.GetAddressBytes();
            if (bytes.Length == 4)
            {
                return $"{bytes[0]}.{bytes[1]}.{bytes[2]}.0/24";
            }
            Array.Clear(bytes, 6, bytes.Length - 6);
            return new System.Net.IPAddress(bytes) + "/48";
        }
        return ip;
    }

    /// <summary>Loopback, RFC 1918, CGNAT, link-local and IPv6 unique-local addresses: where trusted networks usually are.</summary>
    public static bool IsPrivateOrLocal(string? ip)
    {
        if (ip is null || !System.Net.IPAddress.TryParse(ip, out var a))
        {
            return false;
        }
        if (System.Net.IPAddress.IsLoopback(a) || a.IsIPv6LinkLocal || a.IsIPv6UniqueLocal)
        {
            return true;
        }
        if (a.IsIPv4MappedToIPv6)
        {
            a = a.MapToIPv4();
        }
        var b = a.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || (b[0] == 169 && b[1] == 254));
    }

    public static bool IsLoopback(string? ip) =>
        ip is not null && System.Net.IPAddress.TryParse(ip, out var a) && System.Net.IPAddress.IsLoopback(a);
}
