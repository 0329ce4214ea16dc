using SpamTrace.Logs.Correlation;

namespace SpamTrace.Logs.Query;

/// <summary>
/// Keeps the chains a query matches, plus the notifications and forwards they caused (a bounce is part
/// of what happened to a message). Bounded: only matches and a window of recent generated chains are kept.
/// </summary>
public sealed class TraceCollector(ChainQuery query, Action<MessageChain> onMatch) : ILogObserver
{
    private const int RecentGeneratedLimit = 20_000;

    private readonly HashSet<(string Host, string QueueId)> _wanted = [];
    private readonly HashSet<(string Host, string QueueId)> _matchedIds = [];
    private readonly LinkedList<MessageChain> _recentGenerated = new();

    public int Matches { get; private set; }

    public void OnChain(MessageChain chain)
    {
        if (query.Matches(chain) || IsWanted(chain))
        {
            Accept(chain);
            return;
        }
        if (chain.CausedBy is not null)
        {
            // Generated before its cause was emitted (rare): keep a window to claim it later.
            _recentGenerated.AddLast(chain);
            if (_recentGenerated.Count > RecentGeneratedLimit)
            {
                _recentGenerated.RemoveFirst();
            }
        }
    }

    public void OnSessionEvent(SessionEvent e)
    {
    }

    private bool IsWanted(MessageChain chain) => _wanted.Contains((chain.Host, chain.Root.QueueId))
        || (chain.CausedBy is { } c && _matchedIds.Contains((c.Host, c.QueueId)));

    private void Accept(MessageChain chain)
    {
        Matches++;
        foreach (var hop in chain.Hops)
        {
            _matchedIds.Add((hop.Host, hop.QueueId));
            foreach (var id in hop.NotificationQueueIds.Concat(hop.ForwardedQueueIds))
            {
                _wanted.Add((hop.Host, id));
            }
        }
        onMatch(chain);
        var claimed = _recentGenerated.Where(IsWanted).ToList();
        foreach (var c in claimed)
        {
            if (_recentGenerated.Remove(c))
            {
                Accept(c);
            }
        }
    }
}
