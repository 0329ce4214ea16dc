using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace SpamTrace.Policy.Greylisting.Whitelists;

/// <summary>
/// postgrey's whitelist_clients: /regex/ on the client name, IPv4 addresses and networks (a.b.c.d[/n], a.b.c and
/// a.b as postgrey reads them: both a /24), IPv6 addresses and networks, and host or domain names matching the client
/// name or any of its parent domains. Debian's shipped file loads as it is.
/// </summary>
public sealed class ClientWhitelist
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(Regex Regex, string Source)> _regexes = [];
    private readonly List<(IPNetwork Network, string Source)> _networks = [];

    public static readonly ClientWhitelist Empty = new();

    public int Count => _names.Count + _regexes.Count + _networks.Count;

    /// <summary>Loads the files in order; returns "file:line: message" for each line postgrey would not use either.</summary>
    public static ClientWhitelist Load(IEnumerable<string> files, List<string> errors)
    {
        var list = new ClientWhitelist();
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                if (!WhitelistLines.MayBeMissing(file))
                {
                    errors.Add($"{file}: not found");
                }
                continue;
            }
            try
            {
                foreach (var (entry, line) in WhitelistLines.Read(file))
                {
                    if (list.Add(entry) is { } error)
                    {
                        errors.Add($"{file}:{line}: {error}");
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{file}: cannot read: {ex.Message}");
            }
        }
        return list;
    }

    /// <summary>Adds one entry; returns why it cannot be used, or null.</summary>
    public string? Add(string entry)
    {
        if (entry.Length > 2 && entry[0] == '/' && entry[^1] == '/' && !entry.Any(char.IsWhiteSpace))
        {
            if (!PerlRegex.TryCreate(entry[1..^1], out var regex, out var error))
            {
                return $"'{entry}' is not a valid regular expression: {error}";
            }
            _regexes.Add((regex!, entry));
            return null;
        }
        if (IsIpv4Entry(entry, out var v4))
        {
            if (v4 is not { } network)
            {
                return $"'{entry}' is not a valid IPv4 address or network";
            }
            _networks.Add((network, entry));
            return null;
        }
        if (entry.Count(c => c == ':') >= 2)
        {
            var text = entry.Trim('[', ']').Replace("]/", "/", StringComparison.Ordinal);
            if (IPNetwork.TryParse(text, out var network6) || (IPAddress.TryParse(text, out var address6) && TryHost(address6, out network6)))
            {
                _networks.Add((network6, entry));
                return null;
            }
            return $"'{entry}' is not a valid IPv6 address or network";
        }
        if (entry.Any(char.IsWhiteSpace) || entry.Contains('/'))
        {
            return $"'{entry}' doesn't look like a hostname";
        }
        _names.Add(entry);
        return null;
    }

    /// <summary>
    /// IPv4 forms postgrey recognises: false when the entry is not IPv4-shaped; <paramref name="network"/> null when it
    /// is but is invalid. "a.b.c" and "a.b" are both read as a /24, as postgrey 1.37 does (it passes 24 for the
    /// two-part form too).
    /// </summary>
    private static bool IsIpv4Entry(string entry, out IPNetwork? network)
    {
        network = null;
        var slash = entry.IndexOf('/');
        var address = slash < 0 ? entry : entry[..slash];
        var parts = address.Split('.');
        if (parts.Length is < 2 or > 4 || parts.Any(p => p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit)))
        {
            return false;
        }
        if (slash >= 0 && (parts.Length != 4 || entry.Length - slash - 1 is 0 or > 2 || !entry[(slash + 1)..].All(char.IsAsciiDigit)))
        {
            return false;
        }
        var bytes = new byte[4];
        for (var i = 0; i < parts.Length; i++)
        {
            var value = int.Parse(parts[i], CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return true;
            }
            bytes[i] = (byte)value;
        }
        var prefix = parts.Length < 4 ? 24 : slash < 0 ? 32 : int.Parse(entry[(slash + 1)..], CultureInfo.InvariantCulture);
        if (prefix <= 32)
        {
            network = Network(new IPAddress(bytes), prefix);
        }
        return true;
    }

    private static bool TryHost(IPAddress address, out IPNetwork network)
    {
        network = new IPNetwork(address, 128);
        return true;
    }

    /// <summary>The network of <paramref name="address"/> at <paramref name="prefix"/>, host bits cleared.</summary>
    internal static IPNetwork Network(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return new IPNetwork(new IPAddress(bytes), prefix);
    }

    /// <summary>The entry that whitelists this client (for the log and explain), or null.</summary>
    public string? Match(string? clientName, IPAddress? address)
    {
        if (Count == 0)
        {
            return null;
        }
        var name = clientName ?? "";
        if (_names.Count > 0 && name.Length > 0)
        {
            // (?:^|\.)NAME$ for each entry: the name itself or any suffix that follows a dot.
            var suffix = name.AsSpan();
            var lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
            while (true)
            {
                if (lookup.TryGetValue(suffix, out var hit))
                {
                    return hit;
                }
                var dot = suffix.IndexOf('.');
                if (dot < 0)
                {
                    break;
                }
                suffix = suffix[(dot + 1)..];
            }
        }
        foreach (var (regex, source) in _regexes)
        {
            if (PerlRegex.IsMatch(regex, name))
            {
                return source;
            }
        }
        if (address is not null)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            foreach (var (network, source) in _networks)
            {
                if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
                {
                    return source;
                }
            }
        }
        return null;
    }
}
