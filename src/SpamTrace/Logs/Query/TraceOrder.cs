using SpamTrace.Logs.Correlation;

namespace SpamTrace.Logs.Query;

/// <summary>Orders chains for reading: by first line, each followed by the notifications and forwards it caused.</summary>
public static class TraceOrder
{
    public static IEnumerable<MessageChain> Sort(IReadOnlyList<MessageChain> chains)
    {
        var byHop = new Dictionary<(string, string), MessageChain>();
        foreach (var c in chains)
        {
            foreach (var h in c.Hops)
            {
                byHop.TryAdd((h.Host, h.QueueId), c);
            }
        }
        var children = new Dictionary<MessageChain, List<MessageChain>>(ReferenceEqualityComparer.Instance);
        var roots = new List<MessageChain>();
        foreach (var c in chains)
        {
            if (c.CausedBy is { } cause && byHop.TryGetValue((cause.Host, cause.QueueId), out var parent) && !ReferenceEquals(parent, c))
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }
                list.Add(c);
            }
            else
            {
                roots.Add(c);
            }
        }
        var emitted = new HashSet<MessageChain>(ReferenceEqualityComparer.Instance);
        foreach (var root in roots.OrderBy(c => c.FirstSeenUtc))
        {
            foreach (var c in Walk(root, children, emitted))
            {
                yield return c;
            }
        }
    }

    private static IEnumerable<MessageChain> Walk(MessageChain c, Dictionary<MessageChain, List<MessageChain>> children, HashSet<MessageChain> emitted)
    {
        if (!emitted.Add(c))
        {
            yield break;
        }
        yield return c;
        if (!children.TryGetValue(c, out var list))
        {
            yield break;
        }
        foreach (var child in list.OrderBy(x => x.FirstSeenUtc))
        {
            foreach (var x in Walk(child, children, emitted))
            {
                yield return x;
            }
        }
    }
}
