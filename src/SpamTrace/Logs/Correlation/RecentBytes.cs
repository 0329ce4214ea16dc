namespace SpamTrace.Logs.Correlation;

/// <summary>
/// Copies of the last few thousand distinct byte strings seen: one shared array for a value that repeats in bursts
/// (a receiver's refusal on every message it defers, the filter's answer for every recipient of a message).
/// </summary>
/// <remarks>Direct-mapped: a new value takes its slot from whatever was there. Single-threaded.</remarks>
internal sealed class RecentBytes
{
    private const int MaxLength = 2048;
    private readonly (int Hash, byte[]? Value)[] _slots;

    /// <param name="slotsLog2">The table has 2^slotsLog2 slots (1 to 20).</param>
    public RecentBytes(int slotsLog2 = 12)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsLog2, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slotsLog2, 20);
        _slots = new (int, byte[]?)[1 << slotsLog2];
    }

    public byte[]? Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return null;
        }
        if (bytes.Length > MaxLength)
        {
            return bytes.ToArray();
        }
        var hash = Utf8Hash.Sampled(bytes);
        ref var slot = ref _slots[hash & (_slots.Length - 1)];
        if (slot.Hash == hash && slot.Value is { } cached && bytes.SequenceEqual(cached))
        {
            return cached;
        }
        var copy = bytes.ToArray();
        slot = (hash, copy);
        return copy;
    }
}
