namespace SpamTrace.Bench.LogGen;

/// <summary>
/// Postfix short queue IDs: five hex digits of the arrival's microseconds, then the queue file's inode in hex.
/// Inodes are recycled as messages leave the queue (newest freed first, as file systems tend to), and now
/// and then an ID comes back whole, as it does on busy servers: the correlator must start a new record then.
/// </summary>
internal sealed class QueueIdAllocator(Random random)
{
    private readonly Stack<long> _freeInodes = new(Enumerable.Range(0, 3000).Select(i => 0x1A2B00L + (i * 7)).Reverse());
    private readonly PriorityQueue<(long Inode, string Id), DateTime> _leaving = new();
    private readonly List<string> _recentlyFreed = [];
    private long _nextInode = 0x1A2B00L + (3000 * 7);

    public long ReusedIds { get; private set; }

    /// <summary>A new ID for a message entering the queue at <paramref name="time"/> and leaving it at <paramref name="removedAt"/>.</summary>
    public string Allocate(DateTime time, DateTime removedAt)
    {
        while (_leaving.TryPeek(out var gone, out var at) && at <= time)
        {
            _leaving.Dequeue();
            _freeInodes.Push(gone.Inode);
            _recentlyFreed.Add(gone.Id);
            if (_recentlyFreed.Count > 64)
            {
                _recentlyFreed.RemoveAt(0);
            }
        }
        string id;
        long inode;
        if (_recentlyFreed.Count > 0 && random.Next(400) == 0)
        {
            var index = random.Next(_recentlyFreed.Count);
            id = _recentlyFreed[index];
            _recentlyFreed.RemoveAt(index);
            inode = -1;
            ReusedIds++;
        }
        else
        {
            inode = _freeInodes.Count > 0 ? _freeInodes.Pop() : _nextInode++;
            var micros = (int)(time.Ticks / 10 % 1_000_000);
            id = micros.ToString("X5", System.Globalization.CultureInfo.InvariantCulture) + inode.ToString("X", System.Globalization.CultureInfo.InvariantCulture);
        }
        _leaving.Enqueue((inode < 0 ? _nextInode++ : inode, id), removedAt);
        return id;
    }
}
