using SpamTrace.Common;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Wraps the stored (possibly compressed) stream to count the bytes consumed, for progress, and to keep the
/// last eight bytes read: at the end of a gzip file they are its trailer (CRC32, ISIZE), which lets
/// <see cref="DecodedLogStream"/> notice a truncated .gz that GZipStream ends silently.
/// </summary>
internal sealed class SourceCountingStream(Stream inner) : ReadOnlyStream
{
    private readonly byte[] _tail = new byte[8];
    private int _tailLength;

    public long BytesRead { get; private set; }
    public bool ReachedEnd { get; private set; }

    /// <summary>The last up to 8 bytes read, oldest first.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(0, _tailLength);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        if (n == 0 && buffer.Length > 0)
        {
            ReachedEnd = true;
            return 0;
        }
        BytesRead += n;
        if (n >= 8)
        {
            buffer.Slice(n - 8, 8).CopyTo(_tail);
            _tailLength = 8;
        }
        else
        {
            var keep = Math.Min(_tailLength, 8 - n);
            _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
            buffer[..n].CopyTo(_tail.AsSpan(keep));
            _tailLength = keep + n;
        }
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
}
