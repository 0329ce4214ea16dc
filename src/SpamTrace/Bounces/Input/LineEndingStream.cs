namespace SpamTrace.Bounces.Input;

/// <summary>
/// Normalises line ends to LF: CRLF (DOS) and lone CR (old Mac) alike, so MimeKit and the mbox splitter see lines.
/// </summary>
public sealed class LineEndingStream(Stream inner) : Stream
{
    private bool _lastWasCr;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            var n = inner.Read(buffer);
            if (n == 0)
            {
                return 0;
            }
            var w = 0;
            for (var i = 0; i < n; i++)
            {
                var b = buffer[i];
                if (b == (byte)'\n' && _lastWasCr)
                {
                    _lastWasCr = false;
                    continue;
                }
                _lastWasCr = b == (byte)'\r';
                buffer[w++] = _lastWasCr ? (byte)'\n' : b;
            }
            if (w > 0)
            {
                return w;
            }
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
