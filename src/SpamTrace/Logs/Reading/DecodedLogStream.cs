using SpamTrace.Common;

namespace SpamTrace.Logs.Reading;

/// <summary>A log input that cannot be read to its end (corrupt or truncated compressed data): the message says how far it got.</summary>
public sealed class CorruptInputException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The decompressed bytes of one log, with what the reader needs besides them: how many stored bytes were
/// consumed (progress) and errors that name the format and the offset reached.
/// </summary>
public sealed class DecodedLogStream : ReadOnlyStream
{
    private readonly Stream _decoded;
    private readonly SourceCountingStream _source;
    private bool _ended;

    internal DecodedLogStream(Stream decoded, SourceCountingStream source, CompressionFormat format, bool isJournal)
    {
        _decoded = decoded;
        _source = source;
        Format = format;
        IsJournal = isJournal;
    }

    public CompressionFormat Format { get; }
    /// <summary>The input is a journalctl -o json export, transcoded to syslog lines.</summary>
    public bool IsJournal { get; }
    /// <summary>Bytes consumed from the file as stored.</summary>
    public long SourceBytesRead => _source.BytesRead;
    /// <summary>Bytes handed out so far (decompressed, transcoded).</summary>
    public long DecodedBytesRead { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_ended)
        {
            return 0;
        }
        int n;
        try
        {
            n = _decoded.Read(buffer);
        }
        catch (Exception ex) when (Format != CompressionFormat.None && ex is not OperationCanceledException and not CorruptInputException)
        {
            throw new CorruptInputException(
                $"corrupt or truncated {CompressionMagic.Name(Format)} data after {DecodedBytesRead:N0} bytes of log ({SourceBytesRead:N0} stored bytes read): {ex.Message}", ex);
        }
        if (n == 0 && buffer.Length > 0)
        {
            _ended = true;
        }
        DecodedBytesRead += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _decoded.Dispose();
            _source.Dispose();
        }
        base.Dispose(disposing);
    }

    public override long Position { get => DecodedBytesRead; set => throw new NotSupportedException(); }
}
