using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Correlation;

/// <summary>One recipient of one queue file, with the last delivery attempt's outcome.</summary>
public sealed class RecipientResult
{
    public required string Address { get; init; }
    public string? OrigTo { get; set; }
    public DeliveryStatus Status { get; set; }
    public HopKind Hop { get; set; }

    /// <summary>
    /// The recipient left the server: handed (or being tried) to a remote host. A loopback relay is a remote hop too
    /// unless the mail was queued back on this host (see HopClassifier), so a smarthost on this machine or the lab's
    /// stand-in for the Internet counts as outbound, and amavis' 10024 hop does not.
    /// </summary>
    public bool IsOutbound => Hop == HopKind.Remote;
    /// <summary>The delivery agent's name: smtp, lmtp, local, virtual, pipe, error, retry, discard.</summary>
    public string? Agent { get; set; }
    public string? Relay { get; set; }
    public string? Dsn { get; set; }
    /// <summary>The remote server's answer or the agent's note (the text in parentheses after status=).</summary>
    public string? Reply
    {
        get => _reply.Text;
        set => _reply.Set(value);
    }
    public double? DelaySeconds { get; set; }
    public string? Delays
    {
        get => _delays.Text;
        set => _delays.Set(value);
    }
    public DateTime TimeUtc { get; set; }
    /// <summary>How many delivery attempts were logged (deferrals included).</summary>
    public int Attempts { get; set; }
    /// <summary>The first deferral's reply, kept when a later attempt succeeded or bounced.</summary>
    public string? FirstDeferralReply
    {
        // Mostly the same bytes as the last reply (one deferral, or the same refusal each time): one string for both.
        get => _firstDeferralReply.Utf8 is { } bytes && ReferenceEquals(bytes, _reply.Utf8) ? Reply : _firstDeferralReply.Text;
        set => _firstDeferralReply.Set(value);
    }
    /// <summary>For <see cref="HopKind.ContentFilter"/> (and local forwarding): the queue ID it was queued back as.</summary>
    public string? NextQueueId { get; set; }

    private LazyText _reply;
    private LazyText _firstDeferralReply;
    private LazyText _delays;

    internal bool HasFirstDeferralReply => !_firstDeferralReply.IsNull;

    /// <summary>The reply as the log's UTF-8 bytes: for readers that classify many replies and keep none of them.</summary>
    internal byte[]? ReplyUtf8 => _reply.ToUtf8();

    internal byte[]? FirstDeferralReplyUtf8 => _firstDeferralReply.ToUtf8();

    /// <summary>Sets the reply from the log line's bytes (shared between recipients when equal), decoded only if read.</summary>
    internal void SetReply(byte[]? utf8) => _reply.Set(utf8);

    internal void SetFirstDeferralReply(byte[]? utf8) => _firstDeferralReply.Set(utf8);

    internal void SetDelays(ReadOnlySpan<byte> utf8) => _delays.Set(utf8.IsEmpty ? null : utf8.ToArray());
}
