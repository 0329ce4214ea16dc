namespace SpamTrace.Forensics;

/// <summary>
/// Backscatter: our non-delivery notices to external addresses, caused by mail that unauthenticated Internet clients
/// sent to nonexistent recipients of our domains (accepted without recipient validation, bounced afterwards to the
/// forged senders). At any count above a small minimum, to one or many domains. The injecting clients are named
/// as the cause; their own mail was inbound. Notices answering a culprit's own spam are that culprit's damage.
/// </summary>
internal static class BackscatterEvidence
{
    public const int MinimumNotices = 3;

    public static Finding Add(JudgeContext ctx, OriginStats s, EvidenceSet ev, HashSet<string> culprits)
    {
        var causes = s.CausedBy.Counts;
        long ofCulprits = 0, ofInbound = 0;
        var clients = new List<(OriginStats Client, int Notices)>();
        foreach (var (cause, n) in causes)
        {
            if (culprits.Contains(cause))
            {
                ofCulprits += n;
            }
            else if (ctx.InboundClients.TryGetValue(cause, out var client))
            {
                ofInbound += n;
                clients.Add((client, n));
            }
        }
        var targets = clients.SelectMany(c => c.Client.Tally.Domains.Select(d => d.Domain)).Where(ctx.Domains.IsOurs)
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        var noticeDomains = ctx.ExternalDomains(s);
        var finding = new Finding("backscatter (bounces to forged senders)", "non-delivery notices") { TargetDomains = targets };
        if (ofInbound >= MinimumNotices)
        {
            var named = clients.OrderByDescending(c => c.Notices).ThenBy(c => c.Client.Id.Key, StringComparer.Ordinal).Take(5).Select(c => c.Client.Id.Key).ToList();
            var more = clients.Count > named.Count ? $" and {clients.Count - named.Count} more" : "";
            var unknown = clients.Sum(c => c.Client.UnknownRecipients);
            var why = unknown > 0 ? $"{unknown} recipient{(unknown == 1 ? "" : "s")} refused as unknown by the next hop" : "undeliverable recipients";
            ev.Define("bounces-of-inbound",
                $"{ofInbound} notices to {noticeDomains} external domain{(noticeDomains == 1 ? "" : "s")} answer mail that {clients.Count} unauthenticated Internet client{(clients.Count == 1 ? "" : "s")} ({string.Join(", ", named)}{more}) sent to {string.Join(", ", targets)} ({why}): accepted without recipient validation, then bounced to the senders, who are usually forged",
                40);
        }
        else
        {
            var rest = s.ExternalRecipients - ofCulprits;
            if (rest >= Detector.MinimumVolume && noticeDomains >= 3)
            {
                ev.Define("backscatter", $"{rest} non-delivery notices to {noticeDomains} external domains, answering mail the log does not show as a culprit's: senders of mail we accepted and then bounced (usually forged)", noticeDomains >= 5 ? 25 : 20);
            }
        }
        if (ofCulprits > 0)
        {
            ev.Corroborate("bounces-of-culprits", $"{ofCulprits} of {s.ExternalRecipients} notices answer the culprits' own spam: part of their damage, not backscatter", 0);
        }
        if (ctx.Observer.UnknownRecipientRejects == 0 && s.ExternalRecipients >= MinimumNotices)
        {
            ev.Corroborate("no-recipient-validation", "smtpd never rejected an unknown recipient: mail for nonexistent users is accepted, then bounced", 5);
        }
        return finding;
    }
}
