using System.Buffers.Binary;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// The total uncompressed size (mod 2^32) a .gz file declares over all its members: a multi-member file
/// (bgzip, or .gz files concatenated) carries one ISIZE per member, each right before the next member's header.
/// Used only to tell such a file from a truncated one when the last trailer alone does not match.
/// </summary>
internal static class GzipMembers
{
    /// <summary>Bytes kept from one read to the next: the ISIZE (4) before a header and the header's first 10.</summary>
    private const int Overlap = 14;
    private const int HeaderLength = 10;

    public static uint DeclaredSize(Stream stored)
    {
        ReadOnlySpan<byte> signature = [0x1f, 0x8b, 0x08];
        var buffer = new byte[1 << 20];
        var carry = 0;
        var scanFrom = 0;
        long offset = 0;
        uint total = 0;
        var last = new byte[8];
        var haveLast = false;
        while (true)
        {
            var n = stored.Read(buffer, carry, buffer.Length - carry);
            var length = carry + n;
            var span = buffer.AsSpan(0, length);
            // A header is only checked once its 10 bytes are in the buffer (all of them at the end of the file).
            var scanEnd = n == 0 ? length : length - HeaderLength;
            for (var i = scanFrom; i < scanEnd;)
            {
                var hit = span[i..scanEnd].IndexOf(signature);
                if (hit < 0)
                {
                    break;
                }
                var at = i + hit;
                if (offset + at >= 18 && at >= 4 && at + HeaderLength <= length && IsMemberHeader(span.Slice(at, HeaderLength)))
                {
                    total += BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(at - 4, 4));
                }
                i = at + 1;
            }
            if (length >= 8)
            {
                span[^8..].CopyTo(last);
                haveLast = true;
            }
            if (n == 0)
            {
                break;
            }
            carry = Math.Min(length, Overlap);
            scanFrom = Math.Max(0, scanEnd - (length - carry));
            offset += length - carry;
            span[^carry..].CopyTo(buffer);
        }
        return haveLast ? total + BinaryPrimitives.ReadUInt32LittleEndian(last.AsSpan(4)) : total;
    }

    /// <summary>Deflate method, reserved flag bits clear, a known XFL and OS: random compressed bytes rarely pass all four.</summary>
    private static bool IsMemberHeader(ReadOnlySpan<byte> header) =>
        (header[3] & 0xe0) == 0 && header[8] is 0 or 2 or 4 && (header[9] <= 13 || header[9] == 255);
}
