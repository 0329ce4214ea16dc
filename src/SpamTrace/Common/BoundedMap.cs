namespace SpamTrace.Common;

/// <summary>
/// A dictionary that holds at most a cap of entries: adding beyond it evicts the oldest entry (by first insertion)
/// and hands it back, so that the caller can still account for what it forgets.
/// </summary>
public sealed class BoundedMap<TKey, TValue>(int cap) where TKey : notnull
{
    /// <summary>Each entry with the sequence number of its insertion: an order entry whose number differs is stale.</summary>
    private readonly Dictionary<TKey, (TValue Value, long Seq)> _items = [];
    private readonly Queue<(TKey Key, long Seq)> _order = new();
    private long _seq;

    public int Count => _items.Count;
    public int Cap => cap;

    public IEnumerable<KeyValuePair<TKey, TValue>> Items => _items.Select(p => KeyValuePair.Create(p.Key, p.Value.Value));

    public bool TryGetValue(TKey key, out TValue value)
    {
        if (_items.TryGetValue(key, out var e))
        {
            value = e.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Adds or replaces; a replaced entry keeps its age. Returns the evicted oldest entry when the cap was reached.</summary>
    public KeyValuePair<TKey, TValue>? Set(TKey key, TValue value)
    {
        if (_items.TryGetValue(key, out var e))
        {
            _items[key] = (value, e.Seq);
            return null;
        }
        KeyValuePair<TKey, TValue>? evicted = null;
        if (_items.Count >= cap)
        {
            evicted = EvictOldest();
            if (cap <= 0)
            {
                return KeyValuePair.Create(key, value);
            }
        }
        var seq = _seq++;
        _items[key] = (value, seq);
        _order.Enqueue((key, seq));
        Compact();
        return evicted;
    }

    public bool Remove(TKey key, out TValue value)
    {
        if (_items.Remove(key, out var e))
        {
            value = e.Value;
            Compact();
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Empties the map, returning what it held oldest first.</summary>
    public List<KeyValuePair<TKey, TValue>> Drain()
    {
        var all = new List<KeyValuePair<TKey, TValue>>(_items.Count);
        while (_order.TryDequeue(out var o))
        {
            if (_items.TryGetValue(o.Key, out var e) && e.Seq == o.Seq)
            {
                all.Add(KeyValuePair.Create(o.Key, e.Value));
            }
        }
        _items.Clear();
        return all;
    }

    private KeyValuePair<TKey, TValue>? EvictOldest()
    {
        while (_order.TryDequeue(out var o))
        {
            if (_items.TryGetValue(o.Key, out var e) && e.Seq == o.Seq)
            {
                _items.Remove(o.Key);
                return KeyValuePair.Create(o.Key, e.Value);
            }
        }
        return null;
    }

    /// <summary>Removed entries leave stale order entries behind: drop them once they outnumber the live ones, so the queue stays bounded too.</summary>
    private void Compact()
    {
        if (_order.Count <= 2 * Math.Max(_items.Count, 16))
        {
            return;
        }
        var live = _order.Where(o => _items.TryGetValue(o.Key, out var e) && e.Seq == o.Seq).ToList();
        _order.Clear();
        foreach (var o in live)
        {
            _order.Enqueue(o);
        }
    }
}
