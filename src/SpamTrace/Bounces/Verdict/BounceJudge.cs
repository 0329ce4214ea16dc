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
        return report with { Verdict = passed ? BounceVerdict.Ours : BounceVerdict.Backscatter };
    }

    private static OurServer ReceiverOf(MimeMessage bounce)
    {
        var newest = bounce.Headers.FirstOrDefault(h => h.Id == HeaderId.Received);
        var by = newest is null ? null : ReceivedParser.Parse(newest.Value).ByHost;
        return new OurServer(by is null ? [] : [by]);
    }
}
