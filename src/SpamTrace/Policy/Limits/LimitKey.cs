namespace SpamTrace.Policy.Limits;

/// <summary>What a limit counts per: the value taken from each request.</summary>
public enum LimitKey
{
    SaslUsername,
    Sender,
    SenderDomain,
    ClientAddress,
    ClientNetwork,
    RecipientDomain,
}

/// <summary>What a limit counts.</summary>
public enum LimitCount
{
    /// <summary>One per accepted message, at END-OF-MESSAGE.</summary>
    Messages,
    /// <summary>recipient_count per accepted message at END-OF-MESSAGE (one per RCPT for recipient-domain keys).</summary>
    Recipients,
    /// <summary>A cap on RCPT commands within one message, enforced at RCPT.</summary>
    RecipientsPerMessage,
}

public enum LimitAlgorithm
{
    /// <summary>Exact sliding window: every counted event is remembered until it leaves the window.</summary>
    Sliding,
    /// <summary>Token bucket: Max tokens, refilled continuously at Max per window; allows bursts up to Max.</summary>
    Bucket,
}
