using System.Buffers.Binary;

namespace SpamTrace.Logs.Correlation;

/// <summary>A fast, non-cryptographic hash of a short byte string, for in-process tables only.</summary>
internal static class Utf8Hash
{
    public static int Of(ReadOnlySpan<byte> bytes)
    {
        var h = (ulong)bytes.Length * 0x9E3779B97F4A7C15UL;
        var n = bytes.Length;
        if (n >= 8)
        {
            for (var i = 0; i < n - 8; i += 8)
            {
                h = Step(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..]));
            }
            // The last 8 bytes, overlapping the previous block when the length is not a multiple of 8.
            h = Step(h, BinaryPrimitives.ReadUInt64LittleEndian(bytes[(n - 8)..]));
        }
        else if (n >= 4)
        {
            h = Step(h, ((ulong)BinaryPrimitives.ReadUInt32LittleEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32LittleEndian(bytes[(n - 4)..]));
        }
        else if (n > 0)
        {
            h = Step(h, ((ulong)bytes[0] << 16) | ((ulong)bytes[n / 2] << 8) | bytes[n - 1]);
        }
        h *= 0xc4ceb9fe1a85ec53UL;
        return (int)(h ^ (h >> 32));
    }

    private static ulong Step(ulong h, ulong block)
    {
        h = (h ^ block) * 0xff51afd7ed558ccdUL;
        return h ^ (h >> 29);
    }

    /// <summary>
    /// A hash of the length and of at most 32 bytes (the first 16 and the last 16), in constant time: for a cache whose
    /// hits are checked byte for byte anyway, where hashing a whole 300-byte reply would cost more than it saves.
    /// </summary>
    public static int Sampled(ReadOnlySpan<byte> bytes) =>
        bytes.Length <= 32 ? Of(bytes) : Mix(Of(bytes[..16]), Of(bytes[^16..]), bytes.Length);

    private static int Mix(int a, int b, int length)
    {
        var h = (((ulong)(uint)a << 32) | (uint)b) ^ ((ulong)length * 0x9E3779B97F4A7C15UL);
        h *= 0xff51afd7ed558ccdUL;
        return (int)(h ^ (h >> 32));
    }
}
