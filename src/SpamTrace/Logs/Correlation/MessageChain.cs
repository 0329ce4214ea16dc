namespace SpamTrace.Logs.Correlation;

/// <summary>A link from a generated message (bounce, forward) to the queue file that caused it.</summary>
public sealed record ChainLink(string Host, string QueueId);

/// <summary>
/// One message's whole path through one host: the first queue file and every content-filter re-injection
/// after it, in order. Notifications and forwards are chains of their own, linked by <see cref="CausedBy"/>.
/// </summary>
public sealed class MessageChain
{
    public MessageChain(IReadOnlyList<MessageRecord> hops, ChainLink? causedBy, bool incomplete)
    {
        if (hops.Count == 0)
        {
            throw new ArgumentException("A chain has at least one hop.", nameof(hops));
        }
        Hops = hops;
        CausedBy = causedBy;
        Incomplete = incomplete;
    }

    public IReadOnlyList<MessageRecord> Hops { get; }
    public MessageRecord Root => Hops[0];
    public MessageRecord Last => Hops[^1];
    public string Host => Root.Host;
    /// <summary>For notifications and forwards: the queue file that produced this message.</summary>
    public ChainLink? CausedBy { get; }
    /// <summary>Cut off by the start or the end of the log (or a hop's entry or end was not seen).</summary>
    public bool Incomplete { get; }

    /// <summary>The chain's origin: the root's, since re-injected hops take their parent's.</summary>
    public OriginKind Origin => Root.Origin;

    /// <summary>Recipients as finally delivered: those of the last hop that were not handed to a filter, plus any earlier hop's that never reached a filter.</summary>
    public IEnumerable<RecipientResult> FinalRecipients =>
        Hops.SelectMany(h => h.Recipients).Where(r => r.Hop != HopKind.ContentFilter);

    /// <summary>True when at least one recipient was handed (or is being tried) to a remote host.</summary>
    public bool IsOutbound
    {
        get
        {
            // A loop, not LINQ: every consumer asks this of every chain.
            for (var i = 0; i < Hops.Count; i++)
            {
                var recipients = Hops[i].Recipients;
                for (var j = 0; j < recipients.Count; j++)
                {
                    if (recipients[j].IsOutbound)
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    public DateTime FirstSeenUtc => Root.FirstSeenUtc;
    public DateTime LastSeenUtc => Hops.Max(h => h.LastSeenUtc);
}
