using SpamTrace.Common;

namespace SpamTrace.Bounces.Input;

/// <summary>
/// Normalises line ends to LF: CRLF (DOS) and lone CR (old Mac) alike, so MimeKit and the mbox splitter see lines.
/// </summary>
public sealed class LineEndingStream(Stream inner) : ReadOnlyStream
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
