namespace SpamTrace.Forensics;

/// <summary>
/// Remembers a pure function's results for the strings asked about lately, in a fixed number of slots (direct-mapped:
/// a new key takes its slot from whatever was there). For keys that mostly come once (a spam run's random MX hosts)
/// a dictionary filled up with them, kept them alive for the whole run and still missed; this stays small.
/// </summary>
/// <remarks>Single-threaded. Only for functions whose result depends on the key alone: a slot may be recomputed at any time.</remarks>
internal sealed class RecentMemo<T>(Func<string, T> compute, int slotsLog2 = 12)
{
    private readonly (int Hash, string? Key, T Value)[] _slots = new (int, string?, T)[1 << slotsLog2];

    public T Get(string key)
    {
        // A sampled hash (length, first and last 8 characters): string hashing is randomized and walks the whole key,
        // and a direct-mapped cache needs only a spread, not a guarantee.
        var hash = SpamTrace.Logs.Correlation.Utf8Hash.Sampled(System.Runtime.InteropServices.MemoryMarshal.AsBytes(key.AsSpan()));
        ref var slot = ref _slots[hash & (_slots.Length - 1)];
        // The correlator hands out repeated values as one instance, so the reference test usually decides; the stored
        // hash settles most misses without reading the old key, which is rarely still in the CPU's cache.
        if (slot.Key is { } known && (ReferenceEquals(known, key) || (slot.Hash == hash && string.Equals(known, key, StringComparison.Ordinal))))
        {
            return slot.Value;
        }
        var value = compute(key);
        slot = (hash, key, value);
        return value;
    }
}
