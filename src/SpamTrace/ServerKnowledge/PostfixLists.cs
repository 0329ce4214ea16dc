using System.Net;

namespace SpamTrace.ServerKnowledge;

/// <summary>
/// Reads the values of Postfix list parameters as Postfix does: items separated by commas or white space, each an
/// inline value, a /file/name of more items, or a type:table whose keys are the items (hash:, texthash:, lmdb:,
/// cdb:, btree:, dbm: are read from their source text file; SQL, LDAP and regular-expression tables cannot be listed).
/// </summary>
public static class PostfixLists
{
    private static readonly char[] Separators = [',', ' ', '\t', '\r', '\n'];
    private static readonly string[] FileTables = ["hash", "texthash", "lmdb", "cdb", "btree", "dbm", "sdbm"];

    /// <summary>Fills <paramref name="into"/> from the parameters' values (after $name expansion).</summary>
    /// <param name="into">The facts to fill.</param>
    /// <param name="values">Parameter name to value, $names expanded.</param>
    /// <param name="configDir">For a copied configuration: where to look for table files whose absolute path is not on this machine.</param>
    public static void Apply(ServerFacts into, IReadOnlyDictionary<string, string> values, string? configDir)
    {
        foreach (var p in ServerFacts.Parameters.Where(p => p != "mynetworks"))
        {
            if (values.TryGetValue(p, out var v))
            {
                foreach (var item in Items(v, configDir, into, p))
                {
                    into.AddDomain(item, p);
                }
            }
        }
        if (values.TryGetValue("mynetworks", out var nets))
        {
            into.MarkNetworksKnown();
            foreach (var item in Items(nets, configDir, into, "mynetworks"))
            {
                if (ParseNetwork(item) is { } n)
                {
                    into.AddNetwork(n);
                }
                else
                {
                    into.Note($"mynetworks: {item} is not an address or network (host names are not resolved)");
                }
            }
        }
    }

    /// <summary>The items of one value, files and tables read.</summary>
    public static IEnumerable<string> Items(string value, string? configDir, ServerFacts notes, string parameter)
    {
        foreach (var raw in value.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
        {
            var item = raw.Trim();
            if (item.StartsWith('#'))
            {
                continue;
            }
            if (item.StartsWith('/'))
            {
                foreach (var k in ReadKeys(item, configDir, notes, parameter, isTable: false))
                {
                    yield return k;
                }
                continue;
            }
            var colon = item.IndexOf(':');
            // "[::1]/128" and "inet6:..." are not tables; a table type is letters before the colon.
            if (colon > 0 && item[..colon].All(char.IsAsciiLetterLower))
            {
                var type = item[..colon];
                var path = item[(colon + 1)..];
                if (type == "proxy")
                {
                    var inner = path.IndexOf(':');
                    (type, path) = inner > 0 ? (path[..inner], path[(inner + 1)..]) : (type, path);
                }
                if (FileTables.Contains(type))
                {
                    foreach (var k in ReadKeys(path, configDir, notes, parameter, isTable: true))
                    {
                        yield return k;
                    }
                }
                else
                {
                    notes.Note($"{parameter}: {item} cannot be listed (a {type} table): its entries are not known");
                }
                continue;
            }
            yield return item;
        }
    }

    private static IEnumerable<string> ReadKeys(string path, string? configDir, ServerFacts notes, string parameter, bool isTable)
    {
        var file = File.Exists(path) ? path
            : configDir is not null && File.Exists(Path.Combine(configDir, Path.GetFileName(path))) ? Path.Combine(configDir, Path.GetFileName(path))
            : null;
        if (file is null)
        {
            notes.Note($"{parameter}: {path} not found: its entries are not known");
            yield break;
        }
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            notes.Note($"{parameter}: {file}: {e.Message}");
            yield break;
        }
        foreach (var line in lines)
        {
            var t = line.Trim();
            if (t.Length == 0 || t.StartsWith('#'))
            {
                continue;
            }
            if (isTable)
            {
                // A table line is "key value": the key is the domain (or an address, which names no domain list entry).
                var end = t.IndexOfAny([' ', '\t']);
                yield return end < 0 ? t : t[..end];
            }
            else
            {
                foreach (var part in t.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
                {
                    yield return part;
                }
            }
        }
    }

    /// <summary>"192.0.2.0/24", "[2001:db8::]/32", "[::1]/128", "192.0.2.7" (a host): a network, or null.</summary>
    public static IPNetwork? ParseNetwork(string item)
    {
        var s = item.Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal);
        if (s.StartsWith('!'))
        {
            return null;
        }
        if (IPNetwork.TryParse(s, out var n))
        {
            return n;
        }
        if (IPAddress.TryParse(s, out var a))
        {
            return new IPNetwork(a, a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }
        // IPNetwork refuses "10.1.2.3/8" (host bits set); Postfix takes it as the network.
        var slash = s.IndexOf('/');
        if (slash > 0 && IPAddress.TryParse(s[..slash], out var b) && int.TryParse(s[(slash + 1)..], out var len))
        {
            var bytes = b.GetAddressBytes();
            for (var i = 0; i < bytes.Length; i++)
            {
                var keep = Math.Clamp(len - (i * 8), 0, 8);
                bytes[i] &= (byte)(0xFF << (8 - keep));
            }
            return IPNetwork.TryParse($"{new IPAddress(bytes)}/{len}", out var m) ? m : null;
        }
        return null;
    }
}
