using SpamTrace.Logs.Correlation;

namespace SpamTrace.Forensics;

/// <summary>
/// Which recipients of a chain left the server. The correlator marks every loopback relay as a content-filter
/// hop; a loopback SMTP server on port 25 that answered without "queued as" is not a re-injecting filter but
/// another MTA (a smarthost on this machine, or the lab's stand-in for the Internet), so its mail counts as outbound.
/// </summary>
public static class OutboundRecipients
{
    public static bool IsOutbound(RecipientResult r) =>
        r.Hop == HopKind.Remote
        || (r.Hop == HopKind.ContentFilter && r.NextQueueId is null
            && r.Relay is { } relay && relay.EndsWith("]:25", StringComparison.Ordinal)
            && r.Reply?.Contains("queued as", StringComparison.OrdinalIgnoreCase) != true);

    public static bool Any(MessageChain chain)
    {
        foreach (var hop in chain.Hops)
        {
            foreach (var r in hop.Recipients)
            {
                if (IsOutbound(r))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
