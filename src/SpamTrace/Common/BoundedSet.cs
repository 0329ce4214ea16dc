namespace SpamTrace.Common;

/// <summary>
/// A set of distinct strings that stops growing at a cap: beyond it, the count is reported as "at least".
/// Keeps diagnose's memory bounded however long the log is.
/// </summary>
public sealed class BoundedSet(int cap)
{
    /// <summary>
    /// The first value, alone until a second one comes: many sets never get one (a failing IP's own set of IPs,
    /// a one-sender origin), and a hash set for each cost three objects the GC marked on every full collection.
    /// </summary>
    private string? _first;
    private HashSet<string>? _items;
    /// <summary>
    /// The value last added or found: strings the correlator shares come back as the same instance (a flood's
    /// sender, a failing client's IP), and comparing references spares hashing them again.
    /// </summary>
    private string? _last;

    public int Count => _items?.Count ?? (_first is null ? 0 : 1);
    /// <summary>True when values were dropped because the cap was reached.</summary>
    public bool Saturated { get; private set; }
    public IEnumerable<string> Items => _items ?? (_first is null ? Enumerable.Empty<string>() : [_first]);

    public bool Add(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        if (ReferenceEquals(value, _last))
        {
            return false;
        }
        if (_items is null)
        {
            if (_first is null && cap > 0)
            {
                _first = _last = value;
                return true;
            }
            if (_first is not null && string.Equals(_first, value, StringComparison.OrdinalIgnoreCase))
            {
                _last = value;
                return false;
            }
            if (cap <= 1)
            {
                Saturated = true;
                return false;
            }
            _items = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (_first is not null)
            {
                _items.Add(_first);
                _first = null;
            }
        }
        if (_items.Count >= cap && !_items.Contains(value))
        {
            Saturated = true;
            return false;
        }
        _last = value;
        return _items.Add(value);
    }

    public bool Contains(string value) =>
        _items?.Contains(value) ?? (_first is not null && string.Equals(_first, value, StringComparison.OrdinalIgnoreCase));

    public string CountText => Saturated ? $"{Count}+" : Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Counts per key, keeping at most a cap of keys (the rest go to an overflow count).</summary>
public sealed class BoundedCounter(int cap)
{
    /// <summary>Created on the first count: every origin has four counters (scripts, script owners, HELOs, causes) and most stay empty.</summary>
    private Dictionary<string, int>? _counts;

    public long Overflow { get; private set; }
    public IReadOnlyDictionary<string, int> Counts => _counts ?? (IReadOnlyDictionary<string, int>)System.Collections.ObjectModel.ReadOnlyDictionary<string, int>.Empty;

    public void Add(string key, int n = 1)
    {
        var counts = _counts ??= new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(counts, key);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref count))
        {
            count += n;
        }
        else if (counts.Count < cap)
        {
            counts[key] = n;
        }
        else
        {
            Overflow += n;
        }
    }

    public IEnumerable<KeyValuePair<string, int>> Top(int n) => Counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(n);
}
