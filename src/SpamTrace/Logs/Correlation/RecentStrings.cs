using System.Text;

namespace SpamTrace.Logs.Correlation;

/// <summary>
/// The strings of the last few thousand distinct values seen, by their UTF-8 bytes: for values that repeat in bursts
/// but are too many to intern for good (a receiver's refusal text, repeated for every message it defers).
/// </summary>
/// <remarks>Direct-mapped: a new value takes its slot from whatever was there. Single-threaded.</remarks>
internal sealed class RecentStrings
{
    private const int MaxLength = 1024;
    private readonly (int Hash, string? Value)[] _slots;

    /// <param name="slotsLog2">The table has 2^slotsLog2 slots (1 to 20).</param>
    public RecentStrings(int slotsLog2 = 12)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slotsLog2, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slotsLog2, 20);
        _slots = new (int, string?)[1 << slotsLog2];
    }

    public string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return null;
        }
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        var hash = Utf8Hash.Sampled(utf8);
        ref var slot = ref _slots[hash & (_slots.Length - 1)];
        // Compared with the string itself (no copy of the bytes is kept); a non-ASCII value never matches and is decoded each time.
        if (slot.Hash == hash && slot.Value is { } cached && cached.Length == utf8.Length && Ascii.Equals(utf8, cached))
        {
            return cached;
        }
        var s = Encoding.UTF8.GetString(utf8);
        slot = (hash, s);
        return s;
    }
}
