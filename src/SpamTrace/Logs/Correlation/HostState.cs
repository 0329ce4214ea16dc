namespace SpamTrace.Logs.Correlation;

/// <summary>The messages being followed on one syslog host, looked up by queue ID without allocating.</summary>
internal sealed class HostState
{
    public HostState(string name)
    {
        Name = name;
        _openLookup = _open.GetAlternateLookup<ReadOnlySpan<char>>();
        _finishedLookup = _finished.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Name { get; }

    /// <summary>The latest time this host's lines reached: hosts of a central log each keep their own clock.</summary>
    public long NowTicks { get; set; }

    public long NextSweepTicks { get; set; }

    /// <summary>Finished chains waiting out their linger, in finishing order.</summary>
    public Queue<ChainGroup> Pending { get; } = new();

    private readonly Dictionary<string, OpenMessage> _open = new(StringComparer.Ordinal);
    // Finished records whose chain waits to be emitted: a late link (a parent's "queued as") can still find them.
    private readonly Dictionary<string, OpenMessage> _finished = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OpenMessage>.AlternateLookup<ReadOnlySpan<char>> _openLookup;
    private readonly Dictionary<string, OpenMessage>.AlternateLookup<ReadOnlySpan<char>> _finishedLookup;

    // Queue IDs whose chain was just emitted: a straggling line (a bounce logged after "removed") must
    // not start a phantom message. Kept for a short window of log time, keyed by a 64-bit hash of the ID:
    // cheaper than strings for the one remember per message, and a collision only drops one straggler.
    private readonly Dictionary<ulong, long> _emitted = [];
    private readonly Queue<(ulong Id, long Ticks)> _emittedOrder = new();
    private static readonly long EmittedWindowTicks = TimeSpan.FromMinutes(2).Ticks;
    private const int EmittedLimit = 50_000;

    public int OpenCount => _open.Count;

    public int FinishedCount => _finished.Count;

    public bool TryGetFinished(ReadOnlySpan<char> queueId, out OpenMessage message) => _finishedLookup.TryGetValue(queueId, out message!);

    public void RememberEmitted(string queueId, long ticks)
    {
        var key = Hash(queueId);
        _emitted[key] = ticks;
        _emittedOrder.Enqueue((key, ticks));
        while (_emittedOrder.TryPeek(out var oldest) && (oldest.Ticks + EmittedWindowTicks < ticks || _emittedOrder.Count > EmittedLimit))
        {
            _emittedOrder.Dequeue();
            if (_emitted.TryGetValue(oldest.Id, out var t) && t == oldest.Ticks)
            {
                _emitted.Remove(oldest.Id);
            }
        }
    }

    public bool WasJustEmitted(ReadOnlySpan<char> queueId, long ticks) =>
        _emitted.TryGetValue(Hash(queueId), out var t) && ticks - t <= EmittedWindowTicks;

    /// <summary>FNV-1a over the ID's characters.</summary>
    private static ulong Hash(ReadOnlySpan<char> id)
    {
        var h = 14695981039346656037UL;
        foreach (var c in id)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }

    public IEnumerable<OpenMessage> OpenMessages => _open.Values;

    public bool TryGetOpen(ReadOnlySpan<char> queueId, out OpenMessage message) => _openLookup.TryGetValue(queueId, out message!);

    public bool TryGetOpenOrFinished(ReadOnlySpan<char> queueId, out OpenMessage message) =>
        _openLookup.TryGetValue(queueId, out message!) || _finishedLookup.TryGetValue(queueId, out message!);

    public void AddOpen(OpenMessage message) => _open[message.Record.QueueId] = message;

    public void MoveToFinished(OpenMessage message)
    {
        _open.Remove(message.Record.QueueId);
        _finished[message.Record.QueueId] = message;
    }

    public void ForgetFinished(OpenMessage message)
    {
        if (_finished.TryGetValue(message.Record.QueueId, out var current) && ReferenceEquals(current, message))
        {
            _finished.Remove(message.Record.QueueId);
        }
    }

    public void RemoveOpen(OpenMessage message)
    {
        if (_open.TryGetValue(message.Record.QueueId, out var current) && ReferenceEquals(current, message))
        {
            _open.Remove(message.Record.QueueId);
        }
    }
}
