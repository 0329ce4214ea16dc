using SpamTrace.Logs;
using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Bounces.LogLink;

/// <summary>
/// Links bounces to the mail log: each original's queue IDs and Message-ID are looked up among the chains the log
/// engine builds (the same reading as diagnose and trace). A bounce whose original is found in our log is ours, and
/// its origin comes from the chain (SASL login, uid, client) when the headers do not say.
/// </summary>
public sealed class BounceLogLinker : ILogObserver
{
    private const int MaxWanted = 200_000;
    private readonly HashSet<string> _queueIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _messageIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoggedChain> _byQueueId = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LoggedChain> _byMessageId = new(StringComparer.Ordinal);

    public BounceLogLinker(IEnumerable<BounceReport> reports)
    {
        foreach (var r in reports)
        {
            if (r.Original is not { } o || _queueIds.Count + _messageIds.Count >= MaxWanted)
            {
                continue;
            }
            foreach (var q in o.QueueIds)
            {
                _queueIds.Add(q);
            }
            if (o.MessageId is { } id)
            {
                _messageIds.Add(id.Trim('<', '>'));
            }
        }
    }

    public LogStatistics Run(IReadOnlyList<LogInput> inputs, LogEngineOptions options, CancellationToken cancellationToken = default) =>
        LogEngine.Run(inputs, this, options, cancellationToken);

    public void OnChain(MessageChain chain)
    {
        LoggedChain? found = null;
        foreach (var hop in chain.Hops)
        {
            var byQueue = _queueIds.Contains(hop.QueueId);
            var byId = hop.MessageId is { } mid && _messageIds.Contains(mid.Trim('<', '>'));
            if (!byQueue && !byId)
            {
                continue;
            }
            found ??= LoggedChain.From(chain);
            if (byQueue)
            {
                _byQueueId.TryAdd(hop.QueueId, found);
            }
            if (byId)
            {
                _byMessageId.TryAdd(hop.MessageId!.Trim('<', '>'), found);
            }
        }
    }

    public void OnSessionEvent(SessionEvent e)
    {
    }

    /// <summary>The chain the report's original was logged as, by queue ID first, then Message-ID.</summary>
    public LoggedChain? Find(BounceReport report)
    {
        if (report.Original is not { } o)
        {
            return null;
        }
        foreach (var q in o.QueueIds)
        {
            if (_byQueueId.TryGetValue(q, out var c))
            {
                return c;
            }
        }
        return o.MessageId is { } id && _byMessageId.TryGetValue(id.Trim('<', '>'), out var byId) ? byId : null;
    }

    /// <summary>The report with the log's answer folded in: ours when the log holds its original, origin from the chain.</summary>
    public BounceReport Link(BounceReport report)
    {
        var chain = Find(report);
        if (chain is null || report.Original is null)
        {
            return report;
        }
        var o = report.Original;
        // The log is the stronger witness of where mail entered: a Received line of the original can be forged.
        var original = o with
        {
            SaslLogin = chain.SaslUser ?? o.SaslLogin,
            LocalUid = chain.Uid ?? o.LocalUid,
            ClientIp = chain.ClientIp ?? o.ClientIp,
        };
        return report with { Original = original, Verdict = report.Kind == BounceKind.NotBounce ? report.Verdict : BounceVerdict.Ours, Log = chain };
    }
}

/// <summary>What the mail log says about a bounced message: its queue IDs in order and who submitted it.</summary>
public sealed record LoggedChain(string Host, IReadOnlyList<string> QueueIds, string? SaslUser, string? Uid, string? ClientIp, DateTime FirstSeenUtc)
{
    public static LoggedChain From(MessageChain chain)
    {
        var root = chain.Root;
        return new LoggedChain(chain.Host, chain.Hops.Select(h => h.QueueId).ToList(), root.SaslUser, root.Uid?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            root.ClientIp is "127.0.0.1" or "::1" ? null : root.ClientIp, root.FirstSeenUtc);
    }
}
