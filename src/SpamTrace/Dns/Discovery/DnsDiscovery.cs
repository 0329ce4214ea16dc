using System.Net;
using System.Net.Sockets;
using SpamTrace.Audit.Config;

namespace SpamTrace.Dns.Discovery;

/// <summary>Where to look and what the command line fixes; an item given here replaces what discovery finds for its kind.</summary>
public sealed record DnsDiscoveryOptions
{
    public PostfixConfig? Config { get; init; }
    public IReadOnlyList<string> Logs { get; init; } = [];
    public IReadOnlyList<string> AmavisFiles { get; init; } = [];
    public IReadOnlyList<string> OpenDkimFiles { get; init; } = [];
    public IReadOnlyList<string> RspamdFiles { get; init; } = [];
    public IReadOnlyList<string> Domains { get; init; } = [];
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [];
    public string? Helo { get; init; }

    /// <summary>--selector values: DOMAIN:SELECTOR[:KEYFILE], or SELECTOR for every domain.</summary>
    public IReadOnlyList<string> Selectors { get; init; } = [];

    /// <summary>Also take the address the kernel routes Internet traffic from (no packet is sent).</summary>
    public bool UseRoute { get; init; }
}

/// <summary>Builds <see cref="DnsTargets"/>: the configuration, the logs and the DKIM signers' files, then the command line.</summary>
public static class DnsDiscovery
{
    public static DnsTargets Discover(DnsDiscoveryOptions options)
    {
        var found = new DnsTargets();
        if (options.Config is { } config)
        {
            ConfigDiscovery.Discover(config, found);
        }
        foreach (var log in options.Logs)
        {
            LogDiscovery.Discover(log, found);
        }
        foreach (var file in options.AmavisFiles)
        {
            DkimDiscovery.FromAmavis(file, found);
        }
        foreach (var file in options.OpenDkimFiles)
        {
            DkimDiscovery.FromOpenDkim(file, found);
        }
        foreach (var file in options.RspamdFiles)
        {
            DkimDiscovery.FromRspamd(file, found);
        }
        if (options.UseRoute && RouteAddress(AddressFamily.InterNetwork) is { } v4)
        {
            found.AddAddress(v4, "route to the Internet");
        }
        if (options.UseRoute && RouteAddress(AddressFamily.InterNetworkV6) is { } v6)
        {
            found.AddAddress(v6, "route to the Internet (IPv6)");
        }
        return ApplyOverrides(found, options);
    }

    private static DnsTargets ApplyOverrides(DnsTargets found, DnsDiscoveryOptions options)
    {
        var targets = new DnsTargets { DkimStack = found.DkimStack };
        targets.Notes.AddRange(found.Notes);
        if (options.Domains.Count > 0)
        {
            foreach (var domain in options.Domains)
            {
                targets.AddDomain(domain, "--domain");
            }
        }
        else
        {
            targets.Domains.AddRange(found.Domains);
        }
        if (options.Addresses.Count > 0)
        {
            foreach (var address in options.Addresses)
            {
                targets.AddAddress(address, "--ip");
            }
            var skipped = options.Addresses.Where(a => !DnsTargets.IsPublic(a)).ToList();
            if (skipped.Count > 0)
            {
                targets.Notes.Add($"--ip {string.Join(", ", skipped)}: not a public address, not checked");
            }
        }
        else
        {
            targets.Addresses.AddRange(found.Addresses);
        }
        targets.Helo = options.Helo is { } helo ? new Sourced<string>(helo, "--helo") : found.Helo;
        if (options.Helo is null)
        {
            foreach (var (address, transportHelo) in found.HeloByAddress.Where(h => targets.Addresses.Any(a => a.Value.Equals(h.Key))))
            {
                targets.HeloByAddress[address] = transportHelo;
            }
        }
        var given = options.Selectors.Select(Selector).ToList();
        if (given.Count > 0)
        {
            foreach (var (domain, selector, key) in given)
            {
                foreach (var d in domain is null ? targets.Domains.Select(x => x.Value) : [domain.ToLowerInvariant()])
                {
                    targets.AddSelector(new DkimSelector(d, selector, key, "--selector"));
                }
            }
        }
        else
        {
            targets.Selectors.AddRange(found.Selectors.Where(s => targets.Domains.Any(d => d.Value == s.Domain)));
        }
        return targets;
    }

    private static (string? Domain, string Selector, string? Key) Selector(string value)
    {
        var parts = value.Split(':', 3);
        return parts.Length switch
        {
            1 => (null, parts[0], null),
            2 => (parts[0], parts[1], null),
            _ => (parts[0], parts[1], parts[2]),
        };
    }

    /// <summary>The local address of a route to a documentation address: a UDP connect picks it and sends nothing.</summary>
    private static IPAddress? RouteAddress(AddressFamily family)
    {
        try
        {
            using var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(family == AddressFamily.InterNetwork ? IPAddress.Parse("192.0.2.1") : IPAddress.Parse("2001:db8::1"), 53);
            return (socket.LocalEndPoint as IPEndPoint)?.Address;
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
