using System.Net;
using SpamTrace.Audit.Config;

namespace SpamTrace.Dns.Discovery;

/// <summary>
/// The sending domains, HELO name and bound outbound addresses a Postfix configuration gives: myorigin,
/// mydestination, virtual_mailbox_domains, smtp_helo_name (default $myhostname), smtp_bind_address(6), and the
/// same parameters overridden with -o on master.cf's smtp transports (a transport binding its own address with its own
/// HELO name is checked as that pair).
/// </summary>
public static class ConfigDiscovery
{
    public static void Discover(PostfixConfig config, DnsTargets targets)
    {
        foreach (var parameter in new[] { "myorigin", "mydestination", "virtual_mailbox_domains" })
        {
            foreach (var item in PostfixConfig.Items(config.Get(parameter)))
            {
                if (item.Contains(':') || item.StartsWith('/'))
                {
                    targets.Notes.Add($"{config.WhereIs(parameter)} is a lookup table ({item}): its domains are not read; give them with --domain");
                    continue;
                }
                if (item.StartsWith("localhost", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                targets.AddDomain(item, config.WhereIs(parameter));
            }
        }
        var helo = config.Get("smtp_helo_name");
        if (helo.Length > 0)
        {
            targets.Helo ??= new Sourced<string>(helo, config.WhereIs(config.IsExplicit("smtp_helo_name") ? "smtp_helo_name" : "myhostname"));
        }
        foreach (var parameter in new[] { "smtp_bind_address", "smtp_bind_address6" })
        {
            AddBound(config.Get(parameter), config.WhereIs(parameter), targets);
        }
        foreach (var service in config.Services.Where(s => s.Command == "smtp" && s.Type == "unix"))
        {
            var ownHelo = service.OverrideOf("smtp_helo_name") is null ? null
                : new Sourced<string>(config.Get("smtp_helo_name", service), config.WhereIs("smtp_helo_name", service));
            var bound = false;
            foreach (var parameter in new[] { "smtp_bind_address", "smtp_bind_address6" })
            {
                // Only an address the transport binds itself pairs with its HELO name; the default one is main.cf's.
                if (service.OverrideOf(parameter) is null)
                {
                    continue;
                }
                if (AddBound(config.Get(parameter, service), config.WhereIs(parameter, service), targets) is { } ip)
                {
                    bound = true;
                    if (ownHelo is { Value.Length: > 0 })
                    {
                        targets.HeloByAddress[ip] = ownHelo;
                    }
                }
            }
            if (ownHelo is { Value.Length: > 0 } && !bound && ownHelo.Value != targets.Helo?.Value)
            {
                targets.Notes.Add($"{ownHelo.Source}: the {service.Name} transport says HELO {ownHelo.Value} from the default address, whose PTR is checked against {targets.Helo?.Value ?? "no HELO name"}; give --helo {ownHelo.Value} to check that name instead");
            }
        }
    }

    private static IPAddress? AddBound(string value, string source, DnsTargets targets)
    {
        if (!Resolving.DomainNames.TryParseAddress(value.Trim(), out var ip))
        {
            return null;
        }
        targets.AddAddress(ip, source);
        return ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
    }
}
