namespace SpamTrace.Logs.Correlation;

/// <summary>The messages being followed on one syslog host, looked up by queue ID without allocating.</summary>
internal sealed class HostState
{
    public HostState(string name) => Name = name;

    public string Name { get; }

    /// <summary>The latest time this host's lines reached: hosts of a central log each keep their own clock.</summary>
    public long NowTicks { get; set; }

    public long NextSweepTicks { get; set; }

    /// <summary>Finished chains waiting out their linger, in finishing order.</summary>
    public Queue<ChainGroup> Pending { get; } = new();

    private readonly Dictionary<QueueKey, OpenMessage> _open = [];
    // Finished records whose chain waits to be emitted: a late link (a parent's "queued as") can still find them.
    private readonly Dictionary<QueueKey, OpenMessage> _finished = [];

    // Queue IDs whose chain was just emitted: a straggling line (a bounce logged after "removed") must
    // not start a phantom message. Two generations, each spanning at least the window of log time: an ID is
    // remembered for one to two windows, and forgetting is one swap instead of a lookup and a removal per message.
    private Dictionary<QueueKey, long> _emittedNow = [];
    private Dictionary<QueueKey, long> _emittedBefore = [];
    private long _generationStartTicks;
    private static readonly long EmittedWindowTicks = TimeSpan.FromMinutes(2).Ticks;
    private const int GenerationLimit = 50_000;

    public int OpenCount => _open.Count;

    public int FinishedCount => _finished.Count;

    public bool TryGetFinished(QueueKey queueId, out OpenMessage message) => _finished.TryGetValue(queueId, out message!);

    public void RememberEmitted(QueueKey key, long ticks)
    {
        if (ticks - _generationStartTicks > EmittedWindowTicks || _emittedNow.Count >= GenerationLimit)
        {
            // A fresh table sized like the last one, not Clear(): a table keeps the capacity of its busiest window,
            // and clearing 50,000 slots every two minutes of log time was a fifth of the correlator's time.
            _emittedBefore = _emittedNow;
            _emittedNow = new Dictionary<QueueKey, long>(_emittedBefore.Count);
            _generationStartTicks = ticks;
        }
        _emittedNow[key] = ticks;
    }

    public bool WasJustEmitted(QueueKey queueId, long ticks) =>
        (_emittedNow.TryGetValue(queueId, out var t) || _emittedBefore.TryGetValue(queueId, out t)) && ticks - t <= EmittedWindowTicks;

    public IEnumerable<OpenMessage> OpenMessages => _open.Values;

    public bool TryGetOpen(QueueKey queueId, out OpenMessage message) => _open.TryGetValue(queueId, out message!);

    public bool TryGetOpenOrFinished(QueueKey queueId, out OpenMessage message) =>
        _open.TryGetValue(queueId, out message!) || _finished.TryGetValue(queueId, out message!);

    public void AddOpen(OpenMessage message) => _open[message.Key] = message;

    public void MoveToFinished(OpenMessage message)
    {
        _open.Remove(message.Key);
        _finished[message.Key] = message;
    }

    public void ForgetFinished(OpenMessage message)
    {
        if (_finished.TryGetValue(message.Key, out var current) && ReferenceEquals(current, message))
        {
            _finished.Remove(message.Key);
        }
    }

    public void RemoveOpen(OpenMessage message)
    {
        if (_open.TryGetValue(message.Key, out var current) && ReferenceEquals(current, message))
        {
            _open.Remove(message.Key);
        }
    }
}
