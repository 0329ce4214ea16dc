using System.Net;

namespace SpamTrace.Audit.Relay;

/// <summary>What an access-map answer does to a restriction list.</summary>
public enum AccessAction
{
    Dunno,
    Permit,
    Reject,
    Defer,
    /// <summary>The answer is a restriction or a restriction class name, evaluated in its place.</summary>
    Restriction,
}

/// <summary>
/// An access map as far as it can be read from the files: the entries of hash/btree/lmdb/cdb/dbm/texthash sources
/// and cidr tables (key, action), the actions of pcre/regexp tables, static: and inline: values. Database maps
/// (mysql, pgsql, ldap, sqlite, socketmap, tcp...) and missing files are unreadable: their answers are unknown.
/// </summary>
public sealed class AccessMap
{
    private static readonly HashSet<string> KeyedTypes = ["hash", "btree", "lmdb", "cdb", "dbm", "sdbm", "texthash"];

    public string Name { get; }
    public bool Readable { get; private init; }
    /// <summary>Only the actions are known (regular-expression tables): keys are patterns, not matched here.</summary>
    public bool PatternsOnly { get; private init; }
    public List<(string Key, string Action)> Entries { get; } = [];
    public List<(IPNetwork Network, string Key, string Action)> Networks { get; } = [];

    private AccessMap(string name) => Name = name;

    public static AccessMap Open(string spec, Func<string, string?> readFile)
    {
        var name = spec;
        while (spec.StartsWith("proxy:", StringComparison.Ordinal))
        {
            spec = spec[6..];
        }
        var colon = spec.IndexOf(':');
        if (colon <= 0)
        {
            return new AccessMap(name);
        }
        var type = spec[..colon];
        var rest = spec[(colon + 1)..];
        if (type == "static")
        {
            var map = new AccessMap(name) { Readable = true, PatternsOnly = true };
            map.Entries.Add(("*", rest.Trim('{', '}').Trim()));
            return map;
        }
        if (type == "inline")
        {
            var map = new AccessMap(name) { Readable = true };
            foreach (var pair in Config.PostfixConfig.Items(rest.Trim().TrimStart('{').TrimEnd('}')))
            {
                var eq = pair.IndexOf('=');
                if (eq > 0) { map.Entries.Add((pair[..eq].Trim().ToLowerInvariant(), pair[(eq + 1)..].Trim())); }
            }
            return map;
        }
        if (!KeyedTypes.Contains(type) && type is not ("cidr" or "pcre" or "regexp"))
        {
            return new AccessMap(name);
        }
        if (readFile(rest) is not { } text)
        {
            return new AccessMap(name);
        }
        var result = new AccessMap(name) { Readable = true, PatternsOnly = type is "pcre" or "regexp" };
        foreach (var line in text.Split('\n'))
        {
            var l = line.TrimEnd('\r');
            var trimmed = l.Trim();
            if (trimmed.Length == 0 || trimmed[0] == '#' || (char.IsWhiteSpace(l[0]) && !result.PatternsOnly)) { continue; }
            var (key, action) = SplitLine(trimmed, result.PatternsOnly);
            if (key is null) { continue; }
            if (type == "cidr" && NetworkList.TryParseNetwork(key, out var network))
            {
                result.Networks.Add((network, key, action));
            }
            else
            {
                result.Entries.Add((type == "cidr" ? key : key.ToLowerInvariant(), action));
            }
        }
        return result;
    }

    private static (string? Key, string Action) SplitLine(string line, bool pattern)
    {
        if (pattern && (line.StartsWith("if ", StringComparison.OrdinalIgnoreCase) || line.Equals("endif", StringComparison.OrdinalIgnoreCase)))
        {
            return (null, "");
        }
        if (pattern && line.Length > 1)
        {
            var delimiter = line[0];
            var end = line.IndexOf(delimiter, 1);
            while (end > 0 && line[end - 1] == '\\') { end = line.IndexOf(delimiter, end + 1); }
            if (end < 0) { return (null, ""); }
            var after = line[(end + 1)..];
            var space = after.IndexOfAny([' ', '\t']);
            return (line[..(end + 1)], space < 0 ? "" : after[space..].Trim());
        }
        var split = line.IndexOfAny([' ', '\t']);
        return split < 0 ? (line, "") : (line[..split], line[split..].Trim());
    }

    /// <summary>The action for the first key present (keys in Postfix's lookup order), or null when none is.</summary>
    public string? Lookup(IEnumerable<string> keys)
    {
        if (PatternsOnly)
        {
            return null;
        }
        foreach (var key in keys)
        {
            var k = key.ToLowerInvariant();
            foreach (var (entryKey, action) in Entries)
            {
                if (entryKey == k) { return action; }
            }
        }
        return null;
    }

    /// <summary>The client address in a cidr table (first match) or a keyed table (address, then its parent networks).</summary>
    public string? LookupAddress(IPAddress address)
    {
        foreach (var (network, _, action) in Networks)
        {
            if (network.Contains(address)) { return action; }
        }
        var text = address.ToString();
        var keys = new List<string> { text };
        var separator = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? ':' : '.';
        for (var i = text.LastIndexOf(separator); i > 0; i = text.LastIndexOf(separator, i - 1))
        {
            keys.Add(text[..i]);
        }
        return Lookup(keys);
    }

    /// <summary>The action that "OK", "REJECT", "450 ...", "permit_mynetworks" or a class name stands for.</summary>
    public static AccessAction Classify(string action, IReadOnlySet<string> classes)
    {
        var word = action.Split([' ', '\t'], 2)[0];
        var upper = word.ToUpperInvariant();
        if (upper is "OK" or "PERMIT" || (word.Length > 0 && word.All(char.IsAsciiDigit) && word.Length != 3)) { return AccessAction.Permit; }
        if (upper is "REJECT" || (word.Length == 3 && word[0] == '5' && word.All(char.IsAsciiDigit))) { return AccessAction.Reject; }
        if (upper is "DEFER" or "DEFER_IF_PERMIT" || (word.Length == 3 && word[0] == '4' && word.All(char.IsAsciiDigit))) { return AccessAction.Defer; }
        if (classes.Contains(word) || (word.Contains('_') && word == word.ToLowerInvariant() && !word.Contains(':')))
        {
            return AccessAction.Restriction;
        }
        return AccessAction.Dunno;
    }
}
