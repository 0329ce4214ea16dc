using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace SpamTrace.Audit.Relay;

/// <summary>One network of a mynetworks-style list, as written and as parsed (masked to its prefix).</summary>
public sealed record NetworkEntry(string Text, IPNetwork Network, bool Negated)
{
    public BigInteger AddressCount => BigInteger.One << ((Network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32) - Network.PrefixLength);

    public bool IsLoopback => Network.BaseAddress.AddressFamily == AddressFamily.InterNetworkV6
        ? Network.PrefixLength == 128 && Network.BaseAddress.Equals(IPAddress.IPv6Loopback)
        : Network.PrefixLength >= 8 && Network.BaseAddress.GetAddressBytes()[0] == 127;
}

/// <summary>
/// A Postfix network match list (mynetworks, permit_mx_backup_networks): CIDR and bare addresses, [IPv6]/len,
/// "!" negation, /file names read through the caller; host names and type:table lookups cannot be decided here.
/// </summary>
public sealed class NetworkList
{
    public List<NetworkEntry> Networks { get; } = [];
    /// <summary>Entries that depend on DNS or a lookup table: whether a client matches them is not known statically.</summary>
    public List<string> Unresolved { get; } = [];

    public static NetworkList Parse(IEnumerable<string> items, Func<string, string?> readFile)
    {
        var list = new NetworkList();
        list.Add(items, readFile, depth: 0);
        return list;
    }

    private void Add(IEnumerable<string> items, Func<string, string?> readFile, int depth)
    {
        foreach (var raw in items)
        {
            var negated = raw.StartsWith('!');
            var item = negated ? raw[1..] : raw;
            if (item.StartsWith('/') && depth < 4)
            {
                if (readFile(item) is { } text)
                {
                    var lines = text.Split('\n').Select(l => l.Split('#')[0]).SelectMany(l => l.Split([' ', '\t', ',', '\r'], StringSplitOptions.RemoveEmptyEntries));
                    Add(lines, readFile, depth + 1);
                }
                else
                {
                    Unresolved.Add(raw);
                }
                continue;
            }
            if (TryParseNetwork(item, out var network))
            {
                Networks.Add(new NetworkEntry(raw, network, negated));
            }
            else
            {
                Unresolved.Add(raw);
            }
        }
    }

    /// <summary>True or false when the first matching entry decides; null when an unresolved entry might match first.</summary>
    public bool? Contains(IPAddress address)
    {
        foreach (var n in Networks)
        {
            if (n.Network.Contains(address))
            {
                return Unresolved.Count > 0 ? null : !n.Negated;
            }
        }
        return Unresolved.Count > 0 ? null : false;
    }

    /// <summary>"127.0.0.0/8", "[::1]/128", "10.1.2.3" (a host): parsed and masked as Postfix does.</summary>
    public static bool TryParseNetwork(string text, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressText = slash >= 0 ? text[..slash] : text;
        addressText = addressText.Trim('[', ']');
        if (!IPAddress.TryParse(addressText, out var address) || (!addressText.Contains('.') && !addressText.Contains(':')))
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6) { address = address.MapToIPv4(); }
        var bits = address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32;
        var prefix = bits;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], out prefix) || prefix < 0 || prefix > bits))
        {
            return false;
        }
        network = new IPNetwork(Mask(address, prefix), prefix);
        return true;
    }

    private static readonly string[] InternalNetworks =
        ["127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "[::1]/128", "[fc00::]/7", "[fe80::]/10"];

    /// <summary>Inside loopback, private, shared or link-local space: no Internet client comes from there.</summary>
    public static bool IsInternal(IPNetwork network) => InternalNetworks.Any(p => TryParseNetwork(p, out var net)
        && net.BaseAddress.AddressFamily == network.BaseAddress.AddressFamily && net.PrefixLength <= network.PrefixLength && net.Contains(network.BaseAddress));

    public static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xff << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
