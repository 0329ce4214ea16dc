using System.Net;

namespace SpamTrace.Policy.Greylisting;

/// <summary>Client networks in Postfix's mynetworks notation ("127.0.0.0/8", "[::1]/128", "192.0.2.7").</summary>
public sealed class NetworkList
{
    private readonly List<IPNetwork> _networks = [];

    public static NetworkList Loopback()
    {
        var list = new NetworkList();
        list.TryAdd("127.0.0.0/8");
        list.TryAdd("[::1]/128");
        return list;
    }

    public int Count => _networks.Count;

    public IReadOnlyList<IPNetwork> Networks => _networks;

    public bool TryAdd(string entry)
    {
        var text = entry.Trim();
        var slash = text.IndexOf('/');
        var address = (slash < 0 ? text : text[..slash]).Trim('[', ']');
        var prefix = slash < 0 ? null : text[(slash + 1)..];
        if (!IPAddress.TryParse(address, out var ip))
        {
            return false;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        var max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var bits = max;
        if (prefix is not null && (!int.TryParse(prefix, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out bits) || bits > max))
        {
            return false;
        }
        _networks.Add(Whitelists.ClientWhitelist.Network(ip, bits));
        return true;
    }

    public bool Contains(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        foreach (var network in _networks)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return true;
            }
        }
        return false;
    }
}
