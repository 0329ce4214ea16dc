namespace SpamTrace.Forensics;

/// <summary>
/// An unauthenticated client relaying mail whose recipients are outside our domains. From the Internet (not a
/// trusted host) and with a sender that is not ours, that is the finding at any volume above the minimum: the
/// server relays for anyone. From a trusted host (mynetworks; without the configuration, the host itself and
/// private ranges) relaying is its job, and doing it at a burst above its own baseline makes it the compromised
/// trusted host.
/// </summary>
internal static class RelayEvidence
{
    public static Finding Add(JudgeContext ctx, OriginStats s, EvidenceSet ev, DateTime? burst)
    {
        var v = s.ExternalRecipients;
        var domains = ctx.ExternalDomains(s);
        var who = s.Id.IsOtherClients ? $"{s.ClientIps.CountText} more clients" : s.ClientIps.Count > 1 ? $"{s.ClientIps.Count} clients" : $"client {s.Id.Key}";
        var trusted = !s.Id.IsOtherClients && ctx.Domains.IsTrustedClient(s.Id.Key);
        var networks = ctx.Observer.Server.KnowsNetworks ? "mynetworks" : "the host or a private network";
        if (!trusted)
        {
            var foreignSender = s.Senders.Count == 0 || s.Senders.Items.Any(x => !ctx.Domains.IsOurs(DomainKnowledge.DomainOf(x)));
            if (v > 0 && foreignSender && ctx.InternetRelayTotal >= Detector.MinimumVolume)
            {
                var all = ctx.InternetRelayTotal > v ? $" (all Internet clients together, stated as context: {ctx.InternetRelayTotal})" : "";
                ev.Define("open-relay", $"{who}, an Internet address not in {networks}, relayed {v} recipient{(v == 1 ? "" : "s")} in {domains} domain{(domains == 1 ? "" : "s")} outside ours without logging in{all}: the server relays for anyone", 40);
            }
            if (burst is { } b && v >= Detector.MinimumVolume)
            {
                ev.Corroborate("burst", $"its volume jumped far above its own baseline from {b:yyyy-MM-dd HH:mm} UTC", 15);
            }
            return new Finding("open relay: an Internet client relaying through us without logging in", "unauthenticated Internet client");
        }
        if (v >= Detector.MinimumVolume && burst is { } start)
        {
            ev.Define("relay-burst", $"{who}, a trusted host ({networks}), relayed {v} recipients in {domains} domains without logging in, far above its own baseline from {start:yyyy-MM-dd HH:mm} UTC", 25);
        }
        var distinct = ctx.ExternalAddresses(s);
        if (v >= Detector.MinimumVolume && distinct >= 20)
        {
            ev.Corroborate("many-recipients", $"wrote to {distinct} distinct external addresses", 10);
        }
        if (v >= Detector.MinimumVolume && s.Senders.Count >= 3)
        {
            ev.Corroborate("many-senders", $"{s.Senders.CountText} different envelope senders", 5);
        }
        return new Finding("compromised trusted host: relays out without logging in", "trusted host relaying without logging in");
    }
}
