using System.Net;

namespace SpamTrace.Dns.Discovery;

/// <summary>What the DNS audit checks, and where each item was found ("main.cf:12 myorigin", "--domain", "mail.log: 14 refusals").</summary>
public sealed class DnsTargets
{
    public List<Sourced<string>> Domains { get; } = [];

    public List<Sourced<IPAddress>> Addresses { get; } = [];

    public Sourced<string>? Helo { get; set; }

    /// <summary>HELO names of smtp transports that bind their own address (master.cf -o smtp_bind_address and -o smtp_helo_name).</summary>
    public Dictionary<IPAddress, Sourced<string>> HeloByAddress { get; } = [];

    /// <summary>The name this server says in HELO when it sends from <paramref name="address"/>.</summary>
    public Sourced<string>? HeloOf(IPAddress address) => HeloByAddress.TryGetValue(address, out var helo) ? helo : Helo;

    public List<DkimSelector> Selectors { get; } = [];

    /// <summary>The signing software found (amavis, opendkim, rspamd), for the set-up commands when DKIM is missing.</summary>
    public string? DkimStack { get; set; }

    public List<string> Notes { get; } = [];

    public bool IsEmpty => Domains.Count == 0 && Addresses.Count == 0 && Helo is null;

    public void AddDomain(string domain, string source)
    {
        var name = Resolving.DomainNames.Normalize(domain.Trim());
        if (Resolving.DomainNames.IsMultiLabel(name) && !Domains.Any(d => d.Value == name) && !IsLocalOnly(name))
        {
            Domains.Add(new Sourced<string>(name, source));
        }
    }

    public void AddAddress(IPAddress address, string source)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (IsPublic(address) && !Addresses.Any(a => a.Value.Equals(address)))
        {
            Addresses.Add(new Sourced<IPAddress>(address, source));
        }
    }

    public void AddSelector(DkimSelector selector)
    {
        if (!Selectors.Any(s => s.Domain == selector.Domain && s.Selector == selector.Selector))
        {
            Selectors.Add(selector);
        }
    }

    /// <summary>Names that are never published in public DNS: localhost and the .localdomain/.local/.internal style.</summary>
    public static bool IsLocalOnly(string name) =>
        name is "localhost" or "localhost.localdomain" || name.EndsWith(".localdomain", StringComparison.Ordinal)
        || name.EndsWith(".local", StringComparison.Ordinal) || name.EndsWith(".localhost", StringComparison.Ordinal)
        || name.EndsWith(".internal", StringComparison.Ordinal) || name.EndsWith(".lan", StringComparison.Ordinal);

    /// <summary>Whether an address can be an Internet sender (not loopback, private, link-local, unspecified).</summary>
    public static bool IsPublic(IPAddress ip)
    {
        if (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal)
        {
            return false;
        }
        if (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            return !(b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] >= 224);
        }
        return true;
    }
}

/// <summary>A value and where it came from.</summary>
public sealed record Sourced<T>(T Value, string Source);

/// <summary>A DKIM selector to check, with the private key file that signs with it when known.</summary>
public sealed record DkimSelector(string Domain, string Selector, string? KeyPath, string Source);
