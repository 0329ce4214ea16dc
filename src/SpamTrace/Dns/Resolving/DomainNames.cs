using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpamTrace.Dns.Resolving;

/// <summary>Domain-name rules every check shares: what DNS can be asked, reverse names, comparison.</summary>
public static class DomainNames
{
    /// <summary>The name without its trailing dot, lower-cased.</summary>
    public static string Normalize(string name) => (name.EndsWith('.') ? name[..^1] : name).ToLowerInvariant();

    /// <summary>
    /// Whether a query can be composed for <paramref name="name"/> (RFC 1035 2.3.4): 1-63 bytes per label, at most
    /// 253 in all, no empty label except the root's trailing dot.
    /// </summary>
    public static bool IsQueryable(string name)
    {
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        if (trimmed.Length is 0 or > 253)
        {
            return false;
        }
        foreach (var label in trimmed.Split('.'))
        {
            if (label.Length is 0 or > 63)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>A name of two labels or more that DNS can be asked about (RFC 7208 4.3: not a single label, not a literal).</summary>
    public static bool IsMultiLabel(string name) =>
        IsQueryable(name) && Normalize(name).Contains('.') && !name.StartsWith('[');

    /// <summary>Whether <paramref name="name"/> is <paramref name="domain"/> or one of its subdomains.</summary>
    public static bool IsSameOrSubdomain(string name, string domain)
    {
        var n = Normalize(name);
        var d = Normalize(domain);
        return n == d || n.EndsWith("." + d, StringComparison.Ordinal);
    }

    /// <summary>The in-addr.arpa or ip6.arpa name of an address (RFC 1035 3.5, RFC 3596 2.5).</summary>
    public static string ReverseName(IPAddress ip) => ReversePrefix(ip) + (ip.AddressFamily == AddressFamily.InterNetwork ? ".in-addr.arpa" : ".ip6.arpa");

    /// <summary>The address's labels in reverse order without the arpa suffix: what DNSBLs are queried with.</summary>
    public static string ReversePrefix(IPAddress ip)
    {
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        var bytes = ip.GetAddressBytes();
        var text = new StringBuilder(72);
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            if (text.Length > 0)
            {
                text.Append('.');
            }
            if (ip.AddressFamily == AddressFamily.InterNetwork)
            {
                text.Append(bytes[i]);
            }
            else
            {
                text.Append("0123456789abcdef"[bytes[i] & 15]).Append('.').Append("0123456789abcdef"[bytes[i] >> 4]);
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// An address written as people write them: a dotted quad of four numbers, or IPv6 with colons. Unlike
    /// IPAddress.TryParse, "1.2.3" or "16909060" are not addresses.
    /// </summary>
    public static bool TryParseAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':'))
        {
            if (!text.Contains('%') && IPAddress.TryParse(text, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                address = v6;
                return true;
            }
            return false;
        }
        if (Spf.SpfParser.ParseIp4(text) is { } v4)
        {
            address = v4;
            return true;
        }
        return false;
    }

    /// <summary>Whether <paramref name="ip"/> lies in <paramref name="network"/>/<paramref name="prefix"/> (same family only).</summary>
    public static bool InNetwork(IPAddress ip, IPAddress network, int prefix)
    {
        if (ip.AddressFamily != network.AddressFamily)
        {
            return false;
        }
        var a = ip.GetAddressBytes();
        var b = network.GetAddressBytes();
        var full = prefix / 8;
        for (var i = 0; i < full; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }
        var bits = prefix % 8;
        if (bits == 0)
        {
            return true;
        }
        var mask = (byte)(0xFF << (8 - bits));
        return (a[full] & mask) == (b[full] & mask);
    }
}
