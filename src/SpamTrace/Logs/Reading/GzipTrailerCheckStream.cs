using System.Buffers.Binary;
using SpamTrace.Common;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// GZipStream ends quietly when a .gz is cut short (a copy interrupted, a disk full during rotation), which
/// would pass a truncated log for a whole one. At the end this compares the decompressed length with the
/// trailer's ISIZE (length mod 2^32), i.e. the last four bytes of the file. A multi-member .gz (bgzip,
/// concatenated files) declares one size per member: on a mismatch a file that can be read again is scanned
/// for its members' sizes before it is called truncated.
/// </summary>
internal sealed class GzipTrailerCheckStream(Stream gzip, SourceCountingStream source, Func<Stream>? reopenStored) : ReadOnlyStream
{
    private long _decompressed;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = gzip.Read(buffer);
        _decompressed += n;
        if (n == 0 && buffer.Length > 0 && source.ReachedEnd && source.Tail.Length == 8)
        {
            var isize = BinaryPrimitives.ReadUInt32LittleEndian(source.Tail[4..]);
            if (isize != (uint)_decompressed && !MembersMatch())
            {
                throw new CorruptInputException(
                    $"truncated gzip data: the stream ended after {_decompressed:N0} bytes of log ({source.BytesRead:N0} stored bytes) without a matching trailer");
            }
        }
        return n;
    }

    private bool MembersMatch()
    {
        if (reopenStored is null)
        {
            return false;
        }
        using var stored = reopenStored();
        return GzipMembers.DeclaredSize(stored) == (uint)_decompressed;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            gzip.Dispose();
        }
        base.Dispose(disposing);
    }

    public override long Position { get => _decompressed; set => throw new NotSupportedException(); }
}
