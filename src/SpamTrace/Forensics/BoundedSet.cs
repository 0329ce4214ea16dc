namespace SpamTrace.Forensics;

/// <summary>
/// A set of distinct strings that stops growing at a cap: beyond it, the count is reported as "at least".
/// Keeps diagnose's memory bounded however long the log is.
/// </summary>
public sealed class BoundedSet(int cap)
{
    private HashSet<string>? _items;

    public int Count => _items?.Count ?? 0;
    /// <summary>True when values were dropped because the cap was reached.</summary>
    public bool Saturated { get; private set; }
    public IEnumerable<string> Items => _items ?? Enumerable.Empty<string>();

    public bool Add(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        _items ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (_items.Count >= cap && !_items.Contains(value))
        {
            Saturated = true;
            return false;
        }
        return _items.Add(value);
    }

    public bool Contains(string value) => _items?.Contains(value) ?? false;

    public string CountText => Saturated ? $"{Count}+" : Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Counts per key, keeping at most a cap of keys (the rest go to an overflow count).</summary>
public sealed class BoundedCounter(int cap)
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.OrdinalIgnoreCase);

    public long Overflow { get; private set; }
    public IReadOnlyDictionary<string, int> Counts => _counts;

    public void Add(string key, int n = 1)
    {
        if (_counts.TryGetValue(key, out var c))
        {
            _counts[key] = c + n;
        }
        else if (_counts.Count < cap)
        {
            _counts[key] = n;
        }
        else
        {
            Overflow += n;
        }
    }

    public IEnumerable<KeyValuePair<string, int>> Top(int n) => _counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(n);
}
