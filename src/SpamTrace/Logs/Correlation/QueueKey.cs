using System.Runtime.InteropServices;

namespace SpamTrace.Logs.Correlation;

/// <summary>
/// A queue ID as a 128-bit value, the key of every per-host table. Short IDs (10-12 hex digits) and long ones
/// (15-16 characters) are their own bytes, so a lookup neither decodes nor hashes a string nor follows a pointer
/// to compare; the rare longer ID is a 127-bit hash with the top bit set, which an ID of 16 ASCII bytes never has.
/// </summary>
internal readonly struct QueueKey : IEquatable<QueueKey>
{
    private const int Inline = 16;
    private readonly ulong _low;
    private readonly ulong _high;

    private QueueKey(ulong low, ulong high)
    {
        _low = low;
        _high = high;
    }

    public static QueueKey From(ReadOnlySpan<byte> id)
    {
        if (id.Length > Inline || (id.Length == Inline && id[^1] >= 0x80))
        {
            return Hashed(id);
        }
        Span<byte> packed = stackalloc byte[Inline];
        packed.Clear();
        id.CopyTo(packed);
        return new QueueKey(MemoryMarshal.Read<ulong>(packed), MemoryMarshal.Read<ulong>(packed[8..]));
    }

    /// <summary>The key of an ID kept as a string (the correlator makes them one character per byte).</summary>
    public static QueueKey From(string id)
    {
        Span<byte> bytes = id.Length <= 64 ? stackalloc byte[id.Length] : new byte[id.Length];
        for (var i = 0; i < id.Length; i++)
        {
            bytes[i] = (byte)id[i];
        }
        return From(bytes);
    }

    private static QueueKey Hashed(ReadOnlySpan<byte> id)
    {
        ulong a = 14695981039346656037UL, b = 0x9E3779B97F4A7C15UL;
        foreach (var c in id)
        {
            a = (a ^ c) * 1099511628211UL;
            b = (b ^ c) * 0xff51afd7ed558ccdUL;
        }
        return new QueueKey(a, b | (1UL << 63));
    }

    public bool Equals(QueueKey other) => _low == other._low && _high == other._high;

    public override bool Equals(object? obj) => obj is QueueKey other && Equals(other);

    public override int GetHashCode()
    {
        // The bytes differ most in their last characters (the inode part of an ID): mix both halves.
        var h = (_low * 0x9E3779B97F4A7C15UL) ^ (_high * 0xC2B2AE3D27D4EB4FUL);
        return (int)(h ^ (h >> 32));
    }

    public static bool operator ==(QueueKey left, QueueKey right) => left.Equals(right);

    public static bool operator !=(QueueKey left, QueueKey right) => !left.Equals(right);
}
