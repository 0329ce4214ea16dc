using System.Net;

namespace SpamTrace.ServerKnowledge;

/// <summary>
/// What the Postfix configuration says about the server: the domains it receives for (mydestination,
/// virtual_mailbox_domains, virtual_alias_domains, relay_domains) and the networks it trusts (mynetworks).
/// Mail from the Internet to these domains is inbound, whatever the next hop; a client in these networks relaying
/// out is a trusted host, any other one relaying out abuses an open relay.
/// </summary>
public sealed class ServerFacts
{
    /// <summary>The parameters read, in the order postconf is asked for them.</summary>
    public static readonly string[] Parameters = ["mydestination", "virtual_mailbox_domains", "virtual_alias_domains", "relay_domains", "mynetworks"];

    private readonly Dictionary<string, string> _domains = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<IPNetwork> _networks = [];
    private readonly List<string> _notes = [];

    /// <summary>Nothing known: no configuration was read.</summary>
    public static ServerFacts None { get; } = new(null);

    public ServerFacts(string? source) => Source = source;

    /// <summary>Where the facts come from ("postconf -c /etc/postfix", "/srv/copy/main.cf"), null when none was read.</summary>
    public string? Source { get; }
    /// <summary>Our domains, each with the parameter that names it.</summary>
    public IReadOnlyDictionary<string, string> Domains => _domains;
    public IReadOnlyList<IPNetwork> Networks => _networks;
    /// <summary>True when mynetworks was read: then a client outside it is an Internet client, whatever its address.</summary>
    public bool KnowsNetworks { get; private set; }
    /// <summary>What could not be read (an SQL or LDAP table, a missing file), in words.</summary>
    public IReadOnlyList<string> Notes => _notes;

    internal void AddDomain(string domain, string parameter)
    {
        var d = domain.Trim().TrimEnd('.').ToLowerInvariant();
        if (d.Length > 0 && !d.Contains('@') && !d.Contains('$'))
        {
            _domains.TryAdd(d, parameter);
        }
    }

    internal void AddNetwork(IPNetwork network)
    {
        _networks.Add(network);
        KnowsNetworks = true;
    }

    internal void MarkNetworksKnown() => KnowsNetworks = true;

    internal void Note(string text) => _notes.Add(text);

    /// <summary>True when the domain, or a parent of it named with a leading dot or in relay_domains, is ours.</summary>
    public bool IsOwnDomain(string domain)
    {
        if (_domains.Count == 0 || domain.Length == 0)
        {
            return false;
        }
        if (_domains.ContainsKey(domain))
        {
            return true;
        }
        // Postfix's parent_domain_matches_subdomains covers relay_domains by default; ".example.org" entries always match below.
        for (var dot = domain.IndexOf('.'); dot >= 0; dot = domain.IndexOf('.', dot + 1))
        {
            var parent = domain[(dot + 1)..];
            if (_domains.TryGetValue("." + parent, out _) || (_domains.TryGetValue(parent, out var p) && p == "relay_domains"))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the client is in mynetworks: null when mynetworks was not read.</summary>
    public bool? IsTrustedClient(string? ip)
    {
        if (!KnowsNetworks)
        {
            return null;
        }
        if (ip is null || !IPAddress.TryParse(ip, out var a))
        {
            return false;
        }
        if (a.IsIPv4MappedToIPv6)
        {
            a = a.MapToIPv4();
        }
        foreach (var n in _networks)
        {
            if (n.Contains(a))
            {
                return true;
            }
        }
        return false;
    }
}
