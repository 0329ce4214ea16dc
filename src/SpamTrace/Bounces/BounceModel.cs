namespace SpamTrace.Bounces;

/// <summary>What kind of message a mailbox entry is.</summary>
public enum BounceKind
{
    /// <summary>A delivery failure report (RFC 3464 or an MTA's own format).</summary>
    Bounce,
    /// <summary>An RFC 5965 abuse / feedback report.</summary>
    Feedback,
    /// <summary>Auto-replies, vacation notices, challenge-response and ordinary mail: counted apart.</summary>
    NotBounce,
}

/// <summary>Whether the bounced message passed through our server.</summary>
public enum BounceVerdict
{
    /// <summary>The original's Received chain names our host or our queue ID: we sent it.</summary>
    Ours,
    /// <summary>The original never touched our server: a stranger forged our address.</summary>
    Backscatter,
    /// <summary>The bounce quotes too little of the original to tell.</summary>
    Unknown,
    NotBounce,
}

/// <summary>One failed (or reported) recipient of a bounce.</summary>
public sealed record BounceRecipient(
    string Address,
    string? Action,
    string? Status,
    string? ReplyCode,
    string? RemoteMta,
    string? Diagnostic,
    DateTimeOffset? Time,
    string Reason,
    string? Provider,
    string? FeedbackType);

/// <summary>One Received header of the original, read into its parts.</summary>
public sealed record ReceivedHop(string? FromHost, string? FromIp, string? ByHost, string? With, string? QueueId, string? AuthenticatedSender, string? LocalUid, string Raw);

/// <summary>The returned message's headers and what they say about who submitted it.</summary>
public sealed record OriginalMessage(
    string? MessageId,
    string? Sender,
    string? Subject,
    DateTimeOffset? Date,
    IReadOnlyList<ReceivedHop> Hops,
    string? SaslLogin,
    string? LocalUid,
    string? Script,
    string? ClientIp)
{
    public IEnumerable<string> QueueIds => Hops.Select(h => h.QueueId).OfType<string>();

    /// <summary>The origin key diagnose uses: sasl:LOGIN, local:UID (with the script), relay:IP.</summary>
    public string? OriginKey => SaslLogin is not null ? "sasl:" + SaslLogin
        : LocalUid is not null ? "local:" + LocalUid + (Script is null ? "" : " " + Script)
        : ClientIp is not null ? "relay:" + ClientIp
        : null;
}

/// <summary>One mailbox entry read and judged.</summary>
public sealed record BounceReport(
    string Source,
    BounceKind Kind,
    string? Subject,
    string? ReportingMta,
    DateTimeOffset? Date,
    IReadOnlyList<BounceRecipient> Recipients,
    OriginalMessage? Original,
    BounceVerdict Verdict)
{
    /// <summary>The mail-log chain of the original, when --log was given and the log holds it.</summary>
    public LogLink.LoggedChain? Log { get; init; }
}
