using System.Globalization;
using System.Numerics;
using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Relay;

namespace SpamTrace.Audit.Checks;

/// <summary>Open relay: who may send anywhere without authenticating.</summary>
public static class RelayChecks
{
    public static readonly ConfigCheck OpenRelay = new("relay.open", AuditSeverity.Critical,
        "Open relay: a client that did not authenticate may send to any domain",
        "Spammers find open relays within hours and send through them in your server's name until every blocklist has it.",
        FindOpenRelay);

    public static readonly ConfigCheck WideMyNetworks = new("relay.mynetworks-wide", AuditSeverity.High,
        "mynetworks trusts more than this host",
        "Every host in mynetworks may relay without a password, so one infected machine or container on those networks sends spam as this server.",
        FindWideMyNetworks);

    public static readonly ConfigCheck MyNetworksStyle = new("relay.mynetworks-style", AuditSeverity.High,
        "mynetworks comes from mynetworks_style subnet or class",
        "Under compatibility_level below 2 the default mynetworks_style is subnet: every host on this machine's subnets may relay, on a hosting network that means the neighbours.",
        FindStyle);

    public static readonly ConfigCheck RelayDomainsWide = new("relay.relay-domains-wide", AuditSeverity.High,
        "relay_domains accepts whole top-level domains or anything",
        "Mail for a relay domain passes reject_unauth_destination from anyone: a top-level domain or a catch-all table there is an open relay for it.",
        FindRelayDomains);

    private static IEnumerable<CheckHit> FindOpenRelay(AuditContext ctx)
    {
        foreach (var service in ctx.Relay)
        {
            var v = service.Verdicts.FirstOrDefault(x => x.Client.Kind == ClientKind.Internet && x.Relays);
            if (v is null) { continue; }
            var by = v.DecidedBy;
            var evidence = new List<AuditEvidence>
            {
                new($"{service.Label}: Internet client without AUTH to example.net", by is null ? v.Reason : $"accepted by {by}") { Service = service.Service?.Name, Parameter = by?.List },
            };
            if (by is not null) { evidence.Add(ctx.Evidence(by.List, service.Service)); }
            if (by?.Item == "permit_mynetworks")
            {
                // The list is right; mynetworks is too wide (relay.mynetworks-wide says how to narrow it).
                yield return new CheckHit(evidence) { Service = service.Service?.Name, Note = "The client is trusted through mynetworks: see relay.mynetworks-wide." };
                continue;
            }
            yield return new CheckHit(evidence)
            {
                Service = service.Service?.Name,
                Changes = [AuditContext.Master(service.Service?.OverrideOf("smtpd_relay_restrictions") is null ? null : service.Service,
                    "smtpd_relay_restrictions", "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination")],
                Note = "The relay list then refuses other domains before anything else can permit them; remove the restriction named above if it is still needed elsewhere.",
            };
        }
    }

    private static IEnumerable<CheckHit> FindWideMyNetworks(AuditContext ctx)
    {
        var own = OwnAddresses(ctx);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, service) in RelaySimulator.SmtpdServices(ctx.Config).Prepend(("main.cf", null)))
        {
            if (service is not null && !ctx.Config.IsExplicit("mynetworks", service)) { continue; }
            if (service?.IsLoopbackOnly == true) { continue; }
            var list = NetworkList.Parse(ctx.Items("mynetworks", service), ctx.Host.ReadText);
            var wide = list.Networks.Where(n => !n.Negated && !n.IsLoopback && !(n.AddressCount == 1 && own.Any(a => n.Network.Contains(a)))).ToList();
            if (wide.Count == 0 || !seen.Add(string.Join(" ", wide.Select(w => w.Text)))) { continue; }
            var count = wide.Aggregate(BigInteger.Zero, (sum, n) => sum + n.AddressCount);
            var isPublic = wide.Any(n => !IsPrivate(n));
            var keep = list.Networks.Where(n => !wide.Contains(n)).Select(n => n.Text).DefaultIfEmpty("127.0.0.0/8 [::1]/128");
            yield return new CheckHit([ctx.Evidence("mynetworks", service)])
            {
                Service = service?.Name,
                Severity = isPublic ? AuditSeverity.Critical : AuditSeverity.High,
                Title = $"mynetworks trusts {string.Join(", ", wide.Select(w => w.Text))}: {count.ToString("N0", CultureInfo.InvariantCulture)} addresses beyond this host{(isPublic ? ", public ones among them" : "")}",
                Changes = [AuditContext.Master(service, "mynetworks", string.Join(" ", keep))],
                Note = "Hosts that really must relay without a password get their own address in mynetworks; users authenticate on 587.",
            };
        }
    }

    private static IEnumerable<CheckHit> FindStyle(AuditContext ctx)
    {
        if (ctx.Config.IsExplicit("mynetworks")) { yield break; }
        var style = ctx.Config.Get("mynetworks_style");
        if (style is not ("subnet" or "class")) { yield break; }
        yield return new CheckHit([ctx.Evidence("mynetworks_style"), ctx.Evidence("compatibility_level"), ctx.Evidence("mynetworks")])
        {
            Changes = [AuditContext.Main("mynetworks", "127.0.0.0/8 [::1]/128")],
        };
    }

    private static IEnumerable<CheckHit> FindRelayDomains(AuditContext ctx)
    {
        foreach (var item in ctx.Items("relay_domains"))
        {
            var bare = item.TrimStart('.');
            var tld = !item.Contains(':') && !item.StartsWith('/') && !bare.Contains('.') && bare.Length >= 2 && bare != "localhost" && bare.All(char.IsAsciiLetterLower);
            var catchAll = item is "*" || item.StartsWith("static:", StringComparison.Ordinal);
            if (tld || catchAll)
            {
                var rest = ctx.Items("relay_domains").Where(i => i != item);
                yield return new CheckHit([ctx.Evidence("relay_domains")])
                {
                    Title = $"relay_domains contains {item}",
                    Changes = [AuditContext.Main("relay_domains", string.Join(", ", rest))],
                };
            }
        }
    }

    private static IReadOnlyList<System.Net.IPAddress> OwnAddresses(AuditContext ctx) => ctx.Host.OwnAddresses;

    private static bool IsPrivate(NetworkEntry n) => NetworkList.IsInternal(n.Network);
}
