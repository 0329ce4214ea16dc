namespace SpamTrace.Queue;

/// <summary>One recipient still waiting in the queue, with the reason of its last failed attempt when known.</summary>
public sealed record QueuedRecipient(string Address, string? DelayReason);

/// <summary>
/// One queued message as <c>postqueue -j</c> or <c>mailq</c> shows it. <see cref="QueueName"/> is Postfix's:
/// maildrop, incoming, active, deferred, hold (mailq text only tells active and hold apart from the rest).
/// </summary>
public sealed record QueuedMessage(
    string QueueName,
    string QueueId,
    DateTimeOffset ArrivalTime,
    long Size,
    string Sender,
    IReadOnlyList<QueuedRecipient> Recipients,
    bool ForcedExpire = false)
{
    /// <summary>The Postfix instance (config directory) the message was listed from; null for the default.</summary>
    public string? Instance { get; init; }

    public bool IsHeld => QueueName == "hold";

    /// <summary>The part after the last @, lowercased; empty for the null sender and bare local names.</summary>
    public static string DomainOf(string address) => DomainSpanOf(address).ToString().ToLowerInvariant();

    /// <summary>The part after the last @, as is (compare it case-insensitively).</summary>
    public static ReadOnlySpan<char> DomainSpanOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? [] : address.AsSpan(at + 1);
    }
}
