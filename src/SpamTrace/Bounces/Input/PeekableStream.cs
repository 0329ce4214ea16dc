using SpamTrace.Common;

namespace SpamTrace.Bounces.Input;

/// <summary>A read-only stream whose first bytes can be looked at before reading (gzip magic, mbox "From "), also on pipes.</summary>
public sealed class PeekableStream(Stream inner) : ReadOnlyStream
{
    private byte[] _pending = [];
    private int _pendingAt;

    public byte[] Peek(int count)
    {
        if (_pending.Length - _pendingAt >= count)
        {
            return _pending[_pendingAt..(_pendingAt + count)];
        }
        var buffer = new byte[count];
        var have = _pending.Length - _pendingAt;
        _pending.AsSpan(_pendingAt).CopyTo(buffer);
        while (have < count)
        {
            var n = inner.Read(buffer, have, count - have);
            if (n == 0)
            {
                break;
            }
            have += n;
        }
        _pending = buffer[..have];
        _pendingAt = 0;
        return _pending;
    }

    /// <summary>Drops everything up to and including the next LF (an mbox "From " line before a single message).</summary>
    public void SkipLine()
    {
        Span<byte> one = stackalloc byte[1];
        while (Read(one) == 1 && one[0] != (byte)'\n')
        {
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_pendingAt < _pending.Length)
        {
            var n = Math.Min(buffer.Length, _pending.Length - _pendingAt);
            _pending.AsSpan(_pendingAt, n).CopyTo(buffer);
            _pendingAt += n;
            return n;
        }
        return inner.Read(buffer);
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
