using SpamTrace.Logs;
using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Lab.Tests.Infrastructure;

/// <summary>Every chain and session event the log engine reconstructs from a lab maillog, with lookups.</summary>
public sealed class ChainIndex : ILogObserver
{
    private readonly List<MessageChain> _chains = [];
    private readonly List<SessionEvent> _sessions = [];

    public IReadOnlyList<MessageChain> Chains => _chains;

    public IReadOnlyList<SessionEvent> Sessions => _sessions;

    public static ChainIndex Build(string maillog)
    {
        var (inputs, errors) = LogDiscovery.Resolve([maillog]);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("cannot read " + maillog + ": " + string.Join("; ", errors));
        }
        var index = new ChainIndex();
        LogEngine.Run(inputs, index, new LogEngineOptions());
        return index;
    }

    public void OnChain(MessageChain chain) => _chains.Add(chain);

    public void OnSessionEvent(SessionEvent e) => _sessions.Add(e);

    /// <summary>The chain a message entered as: by the queue ID smtpd answered, else by Message-ID.</summary>
    public MessageChain? Find(LabMessage message)
    {
        if (message.QueueId is not null)
        {
            return _chains.FirstOrDefault(c => c.Root.QueueId == message.QueueId);
        }
        var id = Bare(message.MessageId);
        return _chains.FirstOrDefault(c => c.Origin != OriginKind.Notification && Bare(c.Root.MessageId) == id);
    }

    /// <summary>Notifications (bounces) Postfix generated for any hop of the chain.</summary>
    public IEnumerable<MessageChain> NotificationsFor(MessageChain chain) =>
        _chains.Where(n => n.CausedBy is not null && chain.Hops.Any(h => h.QueueId == n.CausedBy.QueueId));

    public static string? Bare(string? messageId) => messageId?.Trim().Trim('<', '>');
}
