using System.Net;
using SpamTrace.Audit.Config;

namespace SpamTrace.Audit.Relay;

/// <summary>The simulation of one smtpd service: its label, the master.cf entry (null: main.cf alone) and the cases.</summary>
public sealed record ServiceRelay(string Label, MasterService? Service, IReadOnlyList<RelayVerdict> Verdicts, bool AuthOffered)
{
    /// <summary>The TCP port; the pass smtpd behind postscreen answers on 25.</summary>
    public int? Port => Service is null || Service.Type == "pass" ? 25 : Service.Port;
}

/// <summary>
/// Who may relay through each smtpd that listens on the network (for postscreen, the smtpd it passes clients to),
/// for an Internet client without and with AUTH, a host in mynetworks and loopback, to our domain and another.
/// </summary>
public static class RelaySimulator
{
    public static readonly IPAddress InternetAddress = IPAddress.Parse("203.0.113.10");

    public static List<ServiceRelay> Simulate(PostfixConfig config, Func<string, string?> readFile)
    {
        var result = new List<ServiceRelay>();
        foreach (var (label, service) in SmtpdServices(config))
        {
            result.Add(SimulateService(config, label, service, readFile));
        }
        return result;
    }

    /// <summary>Inet smtpd services, and the pass smtpd behind each inet postscreen; main.cf's smtpd when master.cf has none.</summary>
    public static List<(string Label, MasterService? Service)> SmtpdServices(PostfixConfig config)
    {
        var list = new List<(string, MasterService?)>();
        var pass = config.Services.FirstOrDefault(s => s.Type == "pass" && s.Command == "smtpd");
        foreach (var s in config.Services)
        {
            if (s.IsInetSmtpd)
            {
                list.Add((s.Name, s));
            }
            else if (s.IsPostscreen && pass is not null)
            {
                // postscreen's own -o settings do not reach smtpd: the pass service's are the ones that count (and get fixed).
                list.Add(($"{s.Name} (postscreen, then {pass.Name})", pass));
            }
        }
        if (config.Services.Count == 0)
        {
            list.Add(("smtp (main.cf)", null));
        }
        return list;
    }

    public static ServiceRelay SimulateService(PostfixConfig config, string label, MasterService? service, Func<string, string?> readFile)
    {
        var evaluator = new RestrictionEvaluator(config, service, readFile);
        var ourDomain = OurDomain(config, service);
        var auth = config.Bool("smtpd_sasl_auth_enable", service);
        var loopbackOnly = service?.IsLoopbackOnly == true;
        var lan = evaluator.MyNetworks.Networks.FirstOrDefault(n => !n.Negated && !n.IsLoopback);
        var clients = new List<(RelayClient Client, string? NotApplicable)>
        {
            (new RelayClient(ClientKind.Internet, InternetAddress, false), loopbackOnly ? "listens on loopback only" : null),
            (new RelayClient(ClientKind.InternetWithAuth, InternetAddress, true), loopbackOnly ? "listens on loopback only" : auth ? null : "AUTH not offered"),
            (new RelayClient(ClientKind.MyNetworks, lan is null ? IPAddress.None : HostIn(lan.Network), false),
                loopbackOnly ? "listens on loopback only" : lan is null ? "mynetworks is loopback only" : null),
            (new RelayClient(ClientKind.Loopback, IPAddress.Loopback, false), null),
        };
        var verdicts = new List<RelayVerdict>();
        foreach (var (client, notApplicable) in clients)
        {
            foreach (var ours in new[] { true, false })
            {
                verdicts.Add(notApplicable is not null
                    ? new RelayVerdict(label, client, ours, RelayOutcome.NotApplicable, null) { Reason = notApplicable }
                    : evaluator.Evaluate(label, client, ours, ourDomain));
            }
        }
        return new ServiceRelay(label, service, verdicts, auth);
    }

    /// <summary>A host inside the network (its first address after the network address, when there is one).</summary>
    private static IPAddress HostIn(IPNetwork network)
    {
        var bytes = network.BaseAddress.GetAddressBytes();
        var bits = bytes.Length * 8;
        if (network.PrefixLength < bits - 1)
        {
            bytes[^1] |= 1;
        }
        return new IPAddress(bytes);
    }

    /// <summary>The first literal domain this server receives for: mydestination, virtual mailbox/alias domains, relay_domains.</summary>
    public static string OurDomain(PostfixConfig config, MasterService? service)
    {
        foreach (var name in new[] { "mydestination", "virtual_mailbox_domains", "virtual_alias_domains", "relay_domains" })
        {
            foreach (var item in PostfixConfig.Items(config.Get(name, service)))
            {
                if (!item.Contains(':') && !item.StartsWith('/') && item.Contains('.') && item != "localhost.localdomain" && !item.StartsWith("localhost.", StringComparison.Ordinal))
                {
                    return item.TrimStart('.');
                }
            }
        }
        return config.Get("mydomain", service) is { Length: > 0 } d ? d : "example.com";
    }
}
