using System.Net;

namespace SpamTrace.Policy.Limits;

/// <summary>
/// Who is never limited nor contained: SASL usernames, sender addresses, sender domains written "@example.com",
/// client addresses and networks ("192.0.2.0/24").
/// </summary>
public sealed class Exemptions
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];

    public static readonly Exemptions None = new();

    public int Count => _names.Count + _networks.Count;

    public bool TryAdd(string entry)
    {
        entry = entry.Trim();
        if (entry.Length == 0)
        {
            return false;
        }
        if (IPNetwork.TryParse(entry, out var network))
        {
            _networks.Add(network);
            return true;
        }
        if (IPAddress.TryParse(entry, out var address))
        {
            _networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            return true;
        }
        if (entry.Any(char.IsWhiteSpace))
        {
            return false;
        }
        _names.Add(entry);
        return true;
    }

    public bool Matches(string? user, string? sender, string? clientAddress)
    {
        if (Count == 0)
        {
            return false;
        }
        if (user is not null && _names.Contains(user))
        {
            return true;
        }
        if (sender is not null)
        {
            if (_names.Contains(sender))
            {
                return true;
            }
            var at = sender.LastIndexOf('@');
            if (at >= 0 && _names.Contains(sender[at..]))
            {
                return true;
            }
        }
        if (_networks.Count > 0 && clientAddress is not null && IPAddress.TryParse(clientAddress, out var ip))
        {
            foreach (var network in _networks)
            {
                if (network.Contains(ip))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
