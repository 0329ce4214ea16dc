using SpamTrace.Logs.Correlation;

namespace SpamTrace.Forensics;

/// <summary>
/// Which recipients of a chain left the server: those the correlator saw handed to a remote host. A loopback
/// relay is a remote hop too unless the mail was queued back on this host (see HopClassifier), so a smarthost
/// on this machine or the lab's stand-in for the Internet counts as outbound, and amavis' 10024 hop does not.
/// </summary>
public static class OutboundRecipients
{
    public static bool IsOutbound(RecipientResult r) => r.Hop == HopKind.Remote;

    public static bool Any(MessageChain chain) => chain.IsOutbound;
}
