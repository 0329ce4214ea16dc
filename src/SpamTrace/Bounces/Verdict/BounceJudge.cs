using MimeKit;
using SpamTrace.Bounces.Original;

namespace SpamTrace.Bounces.Verdict;

/// <summary>Ours, backscatter or unknown: did the bounced message pass through our server?</summary>
public static class BounceJudge
{
    public static BounceReport Judge(BounceReport report, MimeMessage bounce, OurServer server)
    {
        if (report.Kind == BounceKind.NotBounce)
        {
            return report with { Verdict = BounceVerdict.NotBounce };
        }
        var original = report.Original;
        if (original is null || original.Hops.Count == 0)
        {
            return report with { Verdict = BounceVerdict.Unknown };
        }
        var ours = server.HasNames ? server : ReceiverOf(bounce);
        var passed = original.Hops.Any(h => ours.IsOurs(h.ByHost))
            || (server.QueueIds is { } ids && original.QueueIds.Any(ids.Contains));
        return ForgedInbound(report with { Verdict = passed ? BounceVerdict.Ours : BounceVerdict.Backscatter }, server);
    }

    /// <summary>
    /// Mail a stranger sent to one of our domains, unauthenticated, that we accepted and then bounced: the bounce
    /// goes to a forged sender, so it is backscatter even though it passed through our server.
    /// </summary>
    public static BounceReport ForgedInbound(BounceReport report, OurServer server)
    {
        var o = report.Original;
        if (report.Verdict != BounceVerdict.Ours || o is null || o.SaslLogin is not null || o.LocalUid is not null || o.Script is not null
            || o.Hops.Any(h => h.With is { } w && (w.EndsWith("SMTPA", StringComparison.OrdinalIgnoreCase) || w.EndsWith("SMTPSA", StringComparison.OrdinalIgnoreCase)))
            || report.Recipients.Count == 0 || !report.Recipients.All(r => server.ReceivesFor(r.Address)))
        {
            return report;
        }
        return report with { Verdict = BounceVerdict.Backscatter };
    }

    private static OurServer ReceiverOf(MimeMessage bounce)
    {
        var newest = bounce.Headers.FirstOrDefault(h => h.Id == HeaderId.Received);
        var by = newest is null ? null : ReceivedParser.Parse(newest.Value).ByHost;
        return new OurServer(by is null ? [] : [by]);
    }
}
