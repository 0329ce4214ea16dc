using SpamTrace.Reputation;

namespace SpamTrace.Queue;

/// <summary>
/// Folds a stream of queued messages into a <see cref="QueueSummary"/> in one pass: counters keyed by sender,
/// domain, age bucket and delay reason (each distinct reason classified once), plus a reservoir sample of queue
/// IDs whose files are read afterwards for the SASL login and uid.
/// </summary>
public sealed class QueueSummarizer
{
    private static readonly (TimeSpan Limit, string Label)[] AgeBuckets =
    [
        (TimeSpan.FromHours(1), "< 1h"),
        (TimeSpan.FromHours(6), "1h-6h"),
        (TimeSpan.FromHours(24), "6h-24h"),
        (TimeSpan.FromDays(3), "1d-3d"),
        (TimeSpan.MaxValue, ">= 3d"),
    ];

    private readonly Func<string?, string, ReplyVerdict> _classify;
    private readonly DateTimeOffset _now;
    private readonly int _top;
    private readonly Dictionary<string, QueueCount> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueueCount> _senders = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, QueueCount> _senderDomains = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, QueueCount> _recipientDomains = new(StringComparer.OrdinalIgnoreCase);
    private readonly QueueCount[] _ages = AgeBuckets.Select(b => new QueueCount(b.Label)).ToArray();
    private readonly Dictionary<string, DelayReasonCount> _reasons = new(StringComparer.Ordinal);
    private readonly HashSet<QueueCount> _domainsOfMessage = [];
    private readonly HashSet<DelayReasonCount> _reasonsOfMessage = [];
    private readonly Random _random;
    private readonly int _sampleSize;
    private readonly List<QueuedMessage> _reservoir = [];
    private readonly QueueSummary _summary;

    public QueueSummarizer(DateTimeOffset now, Func<string?, string, ReplyVerdict>? classify = null, int sampleSize = 2000, int top = 15, int seed = 1)
    {
        _now = now;
        _classify = classify ?? ((dsn, reply) => ReplyClassifier.Classify(dsn, reply));
        _top = top;
        _sampleSize = sampleSize;
        _random = new Random(seed);
        _summary = new QueueSummary { Now = now };
    }

    public long Count => _summary.Messages;

    public void Add(QueuedMessage message)
    {
        var s = _summary;
        s.Messages++;
        s.Recipients += message.Recipients.Count;
        s.Bytes += message.Size;
        if (s.Oldest is null || message.ArrivalTime < s.Oldest) { s.Oldest = message.ArrivalTime; }
        if (s.Newest is null || message.ArrivalTime > s.Newest) { s.Newest = message.ArrivalTime; }
        Bump(_queues, message.QueueName, message.Recipients.Count);
        var sender = message.Sender.Length == 0 ? "<>" : message.Sender;
        Bump(_senders, sender, message.Recipients.Count);
        var senderDomain = Row(_senderDomains, message.Sender.Length == 0 ? "<>" : QueuedMessage.DomainSpanOf(message.Sender));
        senderDomain.Messages++;
        senderDomain.Recipients += message.Recipients.Count;
        var age = _now - message.ArrivalTime;
        var bucket = 0;
        while (age >= AgeBuckets[bucket].Limit) { bucket++; }
        _ages[bucket].Messages++;
        _ages[bucket].Recipients += message.Recipients.Count;

        _domainsOfMessage.Clear();
        _reasonsOfMessage.Clear();
        foreach (var recipient in message.Recipients)
        {
            var row = Row(_recipientDomains, QueuedMessage.DomainSpanOf(recipient.Address));
            row.Recipients++;
            if (_domainsOfMessage.Add(row)) { row.Messages++; }
            if (recipient.DelayReason is { Length: > 0 } reason)
            {
                var reasonRow = Reason(reason);
                reasonRow.Recipients++;
                if (_reasonsOfMessage.Add(reasonRow)) { reasonRow.Messages++; }
            }
        }
        Sample(message);
    }

    /// <summary>Reservoir sampling: every message has the same chance to be among the files we read.</summary>
    private void Sample(QueuedMessage message)
    {
        if (_sampleSize <= 0 || _reservoir.Count < _sampleSize)
        {
            _reservoir.Add(message);
            return;
        }
        var slot = _random.NextInt64(_summary.Messages);
        if (slot < _sampleSize)
        {
            _reservoir[(int)slot] = message;
        }
    }

    public IReadOnlyList<QueuedMessage> SampledMessages => _reservoir;

    private DelayReasonCount Reason(string reason)
    {
        // Floods make every raw reason distinct (the remote IP varies): look the key up as a span, allocate only new keys.
        Span<char> buffer = stackalloc char[DelayReason.MaxNormalizedLength];
        var key = buffer[..DelayReason.Normalize(reason, buffer)];
        var lookup = _reasons.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key, out var row))
        {
            var normalized = key.ToString();
            var (dsn, reply) = DelayReason.Split(reason);
            row = new DelayReasonCount(normalized, _classify(dsn, reply));
            _reasons[normalized] = row;
        }
        return row;
    }

    /// <summary>Adds what the queue files of the sampled messages say (from postcat).</summary>
    public void AddQueueFiles(IReadOnlyDictionary<string, QueueFileAttributes> files, int gone, Func<int, string?>? userName = null)
    {
        var users = new Dictionary<string, QueueCount>(StringComparer.Ordinal);
        var uids = new Dictionary<string, QueueCount>(StringComparer.Ordinal);
        var clients = new Dictionary<string, QueueCount>(StringComparer.Ordinal);
        var sample = new QueueFileSample { Population = _summary.Messages, Gone = gone };
        foreach (var message in _reservoir)
        {
            if (!files.TryGetValue(message.QueueId, out var file))
            {
                continue;
            }
            sample.Sampled++;
            if (file.SaslUsername is { } user) { Bump(users, user, message.Recipients.Count); }
            if (file.Uid is { } uid)
            {
                var name = userName?.Invoke(uid);
                Bump(uids, name is null ? $"{uid}" : $"{uid} ({name})", message.Recipients.Count);
            }
            if (file.SaslUsername is null && file.Uid is null) { sample.Unattributed++; }
            if (file.ClientAddress is { } client && file.RewriteContext != "local") { Bump(clients, client, message.Recipients.Count); }
        }
        sample.BySaslUser = Top(users, "sasl users");
        sample.ByUid = Top(uids, "uids");
        sample.ByClient = Top(clients, "clients");
        _summary.Sample = sample;
    }

    public QueueSummary Finish(QueueReadStatistics stats)
    {
        var s = _summary;
        s.ByQueue = Top(_queues, "queues");
        s.BySender = Top(_senders, "senders");
        s.BySenderDomain = Top(_senderDomains, "sender domains");
        s.ByRecipientDomain = Top(_recipientDomains, "recipient domains");
        s.ByAge = [.. _ages];
        s.Distinct["delay reasons"] = _reasons.Count;
        s.ByDelayReason = _reasons.Values.OrderByDescending(r => r.Recipients).ThenBy(r => r.Reason, StringComparer.Ordinal).Take(_top).ToList();
        s.BadLines = stats.BadLines;
        s.BadLineSamples = [.. stats.BadLineSamples];
        return s;
    }

    private List<QueueCount> Top(Dictionary<string, QueueCount> rows, string name)
    {
        _summary.Distinct[name] = rows.Count;
        return rows.Values.OrderByDescending(r => r.Messages).ThenBy(r => r.Key, StringComparer.Ordinal).Take(_top).ToList();
    }

    /// <summary>The row for a span key (domains): no string is allocated unless the key is new; new keys are stored lowercased.</summary>
    private static QueueCount Row(Dictionary<string, QueueCount> rows, ReadOnlySpan<char> key)
    {
        var lookup = rows.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(key, out var row))
        {
            var text = key.ToString().ToLowerInvariant();
            row = new QueueCount(text);
            rows[text] = row;
        }
        return row;
    }

    private static QueueCount Row(Dictionary<string, QueueCount> rows, string key)
    {
        if (!rows.TryGetValue(key, out var row))
        {
            row = new QueueCount(key);
            rows[key] = row;
        }
        return row;
    }

    private static void Bump(Dictionary<string, QueueCount> rows, string key, int recipients)
    {
        var row = Row(rows, key);
        row.Messages++;
        row.Recipients += recipients;
    }
}
