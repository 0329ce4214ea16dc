using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Correlation;

/// <summary>One recipient of one queue file, with the last delivery attempt's outcome.</summary>
public sealed class RecipientResult
{
    public required string Address { get; init; }
    public string? OrigTo { get; set; }
    public DeliveryStatus Status { get; set; }
    public HopKind Hop { get; set; }
    /// <summary>The delivery agent's name: smtp, lmtp, local, virtual, pipe, error, retry, discard.</summary>
    public string? Agent { get; set; }
    public string? Relay { get; set; }
    public string? Dsn { get; set; }
    /// <summary>The remote server's answer or the agent's note (the text in parentheses after status=).</summary>
    public string? Reply { get; set; }
    public double? DelaySeconds { get; set; }
    public string? Delays { get; set; }
    public DateTime TimeUtc { get; set; }
    /// <summary>How many delivery attempts were logged (deferrals included).</summary>
    public int Attempts { get; set; }
    /// <summary>The first deferral's reply, kept when a later attempt succeeded or bounced.</summary>
    public string? FirstDeferralReply { get; set; }
    /// <summary>For <see cref="HopKind.ContentFilter"/> (and local forwarding): the queue ID it was queued back as.</summary>
    public string? NextQueueId { get; set; }
}
