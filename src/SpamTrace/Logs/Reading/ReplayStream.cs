using System.Runtime.ExceptionServices;
using SpamTrace.Common;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// A read-only stream that yields bytes already peeked from a stream, then the rest of it (stdin cannot seek back).
/// When peeking failed, <paramref name="failure"/> is raised after the bytes peeked, in place of the rest, so a
/// decoder error is reported where it happened and nothing read before it is lost.
/// </summary>
internal sealed class ReplayStream(byte[] head, int headLength, Stream rest, ExceptionDispatchInfo? failure = null) : ReadOnlyStream
{
    private int _headPosition;
    private long _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_headPosition < headLength)
        {
            var n = Math.Min(buffer.Length, headLength - _headPosition);
            head.AsSpan(_headPosition, n).CopyTo(buffer);
            _headPosition += n;
            _position += n;
            return n;
        }
        failure?.Throw();
        var read = rest.Read(buffer);
        _position += read;
        return read;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends.</summary>
    public static int ReadUpTo(Stream stream, Span<byte> buffer)
    {
        var total = ReadUpTo(stream, buffer, out var failure);
        failure?.Throw();
        return total;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full, the stream ends or a read fails; a failure is returned, not thrown, with the count read before it.</summary>
    public static int ReadUpTo(Stream stream, Span<byte> buffer, out ExceptionDispatchInfo? failure)
    {
        var total = 0;
        failure = null;
        while (total < buffer.Length)
        {
            int n;
            try
            {
                n = stream.Read(buffer[total..]);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failure = ExceptionDispatchInfo.Capture(ex);
                break;
            }
            if (n == 0)
            {
                break;
            }
            total += n;
        }
        return total;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            rest.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>Bytes read so far (some decoders ask, e.g. SharpCompress's XZStream).</summary>
    public override long Position { get => _position; set => throw new NotSupportedException(); }
}
