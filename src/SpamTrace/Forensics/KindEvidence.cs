namespace SpamTrace.Forensics;

/// <summary>
/// The evidence model of each kind of origin. Each states what defines its abuse; what every kind shares
/// (receivers' refusals, volume, shape) is added as corroboration by <see cref="Corroboration"/>.
/// </summary>
internal static class KindEvidence
{
    public static Finding Add(JudgeContext ctx, OriginStats s, EvidenceSet ev, DateTime? burst, HashSet<string>? culprits)
    {
        var finding = s.Id.Kind switch
        {
            CulpritKind.Sasl => LoginEvidence.Add(ctx, s, ev),
            CulpritKind.Local => LocalEvidence.Add(ctx, s, ev, burst),
            CulpritKind.Relay => RelayEvidence.Add(ctx, s, ev, burst),
            CulpritKind.Bounce => BackscatterEvidence.Add(ctx, s, ev, culprits ?? []),
            _ => new Finding(),
        };
        if (s.Id.Kind != CulpritKind.Unknown)
        {
            Corroboration.Add(ctx, s, ev, s.Id.Kind == CulpritKind.Relay ? null : burst);
        }
        return finding;
    }
}

/// <summary>Signs every kind shares, none of which defines abuse: they raise confidence in what the defining signs found.</summary>
internal static class Corroboration
{
    public static void Add(JudgeContext ctx, OriginStats s, EvidenceSet ev, DateTime? burst)
    {
        var v = s.ExternalRecipients;
        if (v < Detector.MinimumVolume)
        {
            return;
        }
        var p = ctx.Population;
        var perMessage = s.Messages == 0 ? 0 : (double)v / s.Messages;
        if (perMessage >= 10)
        {
            ev.Corroborate("recipients-per-message", $"{perMessage:F1} external recipients per message", 10);
        }
        else if (perMessage >= 3)
        {
            ev.Corroborate("recipients-per-message", $"{perMessage:F1} external recipients per message", 5);
        }
        var domains = ctx.ExternalDomains(s);
        if (domains >= 20 && domains >= 0.3 * v)
        {
            ev.Corroborate("many-recipient-domains", $"{domains} distinct recipient domains for {v} recipients", 10);
        }
        if (s.FreeMailShare >= 0.6 && v >= 10)
        {
            ev.Corroborate("free-mail-share", $"{Detector.Pct(s.FreeMailShare)} of recipients at free-mail providers", 5);
        }
        if (s.DeferralRate >= Math.Max(0.3, 2 * p.DeferralRate(s)))
        {
            ev.Corroborate("deferral-rate", $"{Detector.Pct(s.DeferralRate)} of its recipients deferred ({s.DeferredOnce} of {s.RemoteRecipients})", 15);
        }
        if (s.BounceRate >= Math.Max(0.1, 2 * p.BounceRate(s)))
        {
            var unknown = s.UnknownRecipients > 0 ? $", {s.UnknownRecipients} unknown recipients" : "";
            ev.Corroborate("bounce-rate", $"{Detector.Pct(s.BounceRate)} of its recipients bounced or expired ({s.Bounced + s.Expired} of {s.RemoteRecipients}{unknown})", s.BounceRate >= 0.3 ? 15 : 10);
        }
        if (s.ReputationRate >= Math.Max(0.1, 2 * p.ReputationRate(s)))
        {
            ev.Corroborate("reputation-refusals", $"{Detector.Pct(s.ReputationRate)} of its recipients refused for our reputation (blocklists, complaints, rate limits)", 15);
        }
        if (burst is { } b)
        {
            ev.Corroborate("burst", $"its volume jumped far above its own baseline from {b:yyyy-MM-dd HH:mm} UTC", 15);
        }
        if (ctx.ExternalTotal > 0 && (double)v / ctx.ExternalTotal >= 0.5 && v >= 20)
        {
            ev.Corroborate("volume-share", $"{Detector.Pct((double)v / ctx.ExternalTotal)} of all outbound recipients", 10);
        }
    }
}
