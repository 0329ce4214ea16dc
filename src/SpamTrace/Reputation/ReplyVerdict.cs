namespace SpamTrace.Reputation;

/// <summary>
/// What a receiver's answer means for us: the reason class, who said it (Yahoo, Gmail, Microsoft,
/// Spamhaus...), the provider's own rule code (TS03, S3150, 5.7.26) and what to do next.
/// </summary>
public sealed record ReplyVerdict(
    ReplyClass Class,
    string? Provider,
    string? Rule,
    string? Advice,
    string? Link)
{
    public static readonly ReplyVerdict Unclassified = new(ReplyClass.Undefined, null, null, null, null);

    /// <summary>True for the classes that say the receiver distrusts our IP or domain (not the recipient's fault).</summary>
    public bool IsReputationProblem => Class is ReplyClass.Blocked or ReplyClass.BadReputation or ReplyClass.SpamDetected
        or ReplyClass.RequirePtr or ReplyClass.AuthFailure or ReplyClass.TooManyConn or ReplyClass.Speeding;
}
