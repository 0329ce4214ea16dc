using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using SpamTrace.Common;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Turns a <c>journalctl -o json</c> export (one JSON object per line) into RFC 3339 syslog lines
/// (<c>2024-03-23T05:01:52.123456+00:00 host ident[pid]: message</c>) as it is read, so the parser sees
/// one format family and line numbers still match the export's.
/// </summary>
internal sealed class JournalJsonTranscoder(Stream inner) : ReadOnlyStream
{
    private static readonly byte[] RealtimeKey = "\"__REALTIME_TIMESTAMP\""u8.ToArray();
    private static readonly byte[] MessageKey = "\"MESSAGE\""u8.ToArray();

    private byte[] _in = new byte[256 * 1024];
    private int _inStart;
    private int _inEnd;
    private bool _innerEnded;
    private readonly ArrayBufferWriter<byte> _out = new(256 * 1024);
    private int _outPosition;
    private byte[] _scratch = new byte[4096];

    /// <summary>A journal export starts with a JSON object carrying the journal's own field names.</summary>
    public static bool LooksLikeJournalJson(ReadOnlySpan<byte> head)
    {
        var trimmed = head.TrimStart(" \t\r\n"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            return false;
        }
        var newline = trimmed.IndexOf((byte)'\n');
        var firstLine = newline < 0 ? trimmed : trimmed[..newline];
        return firstLine.IndexOf(RealtimeKey) >= 0 || firstLine.IndexOf(MessageKey) >= 0 && firstLine.IndexOf("\"_HOSTNAME\""u8) >= 0;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (_outPosition >= _out.WrittenCount)
        {
            _out.ResetWrittenCount();
            _outPosition = 0;
            if (!TranscodeSome())
            {
                return 0;
            }
        }
        var available = _out.WrittenSpan[_outPosition..];
        var n = Math.Min(available.Length, buffer.Length);
        available[..n].CopyTo(buffer);
        _outPosition += n;
        return n;
    }

    /// <summary>Transcodes the complete lines buffered, reading more input first. False at the end.</summary>
    private bool TranscodeSome()
    {
        while (true)
        {
            var pending = _in.AsSpan(_inStart, _inEnd - _inStart);
            var newline = pending.IndexOf((byte)'\n');
            if (newline >= 0 || (_innerEnded && pending.Length > 0))
            {
                if (newline < 0)
                {
                    if (_out.WrittenCount > 0)
                    {
                        // Hand out the whole records first: a cut last record is an error after them.
                        return true;
                    }
                    ThrowIfCutRecord(pending);
                }
                var line = newline >= 0 ? pending[..newline] : pending;
                _inStart += newline >= 0 ? newline + 1 : pending.Length;
                TranscodeLine(line);
                // Hand out what is ready once enough has accumulated, keeping reads large.
                if (_out.WrittenCount >= 64 * 1024 || _inStart == _inEnd)
                {
                    return true;
                }
                continue;
            }
            if (_innerEnded)
            {
                return _out.WrittenCount > 0;
            }
            FillInput();
        }
    }

    /// <summary>A stream that ends inside a JSON object was cut (journalctl killed, a copy interrupted): an error, not a stray line.</summary>
    private static void ThrowIfCutRecord(ReadOnlySpan<byte> last)
    {
        var trimmed = last.Trim(" \t\r"u8);
        if (trimmed.IsEmpty || trimmed[0] != (byte)'{')
        {
            return;
        }
        try
        {
            var reader = new Utf8JsonReader(trimmed);
            reader.Read();
            reader.Skip();
        }
        catch (JsonException)
        {
            throw new CorruptInputException($"the journal export ends inside a record ({trimmed.Length:N0} bytes of an incomplete JSON object): the stream was cut");
        }
    }

    private void FillInput()
    {
        if (_inStart > 0)
        {
            _in.AsSpan(_inStart, _inEnd - _inStart).CopyTo(_in);
            _inEnd -= _inStart;
            _inStart = 0;
        }
        if (_inEnd == _in.Length)
        {
            Array.Resize(ref _in, _in.Length * 2);
        }
        var n = inner.Read(_in.AsSpan(_inEnd));
        if (n == 0)
        {
            _innerEnded = true;
        }
        _inEnd += n;
    }

    private void TranscodeLine(ReadOnlySpan<byte> line)
    {
        line = line.TrimEnd((byte)'\r');
        if (line.Trim(" \t"u8).IsEmpty)
        {
            return;
        }
        long realtime = -1;
        ReadOnlySpan<byte> host = default, ident = default, comm = default, pid = default;
        var messageLength = -1;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                WriteRaw(line);
                return;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = reader.ValueSpan;
                reader.Read();
                if (key.SequenceEqual("MESSAGE"u8))
                {
                    messageLength = ReadMessage(ref reader);
                }
                else if (reader.TokenType == JsonTokenType.String)
                {
                    if (key.SequenceEqual("__REALTIME_TIMESTAMP"u8))
                    {
                        Utf8Parser.TryParse(reader.ValueSpan, out realtime, out _);
                    }
                    else if (key.SequenceEqual("_HOSTNAME"u8))
                    {
                        host = reader.ValueSpan;
                    }
                    else if (key.SequenceEqual("SYSLOG_IDENTIFIER"u8))
                    {
                        ident = reader.ValueSpan;
                    }
                    else if (key.SequenceEqual("_COMM"u8))
                    {
                        comm = reader.ValueSpan;
                    }
                    else if (key.SequenceEqual("_PID"u8) || key.SequenceEqual("SYSLOG_PID"u8) && pid.IsEmpty)
                    {
                        pid = reader.ValueSpan;
                    }
                }
                else
                {
                    reader.TrySkip();
                }
            }
        }
        catch (JsonException)
        {
            // Not a journal record after all (a stray line): pass it on for the parser to count as unknown.
            WriteRaw(line);
            return;
        }

        if (realtime >= 0)
        {
            var time = DateTime.UnixEpoch.AddTicks(realtime * 10);
            Emit(Encoding.ASCII.GetBytes(time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", System.Globalization.CultureInfo.InvariantCulture)));
        }
        else
        {
            Emit("-"u8);
        }
        Emit(" "u8);
        Emit(host.IsEmpty ? "localhost"u8 : host);
        Emit(" "u8);
        Emit(ident.IsEmpty ? comm.IsEmpty ? "unknown"u8 : comm : ident);
        if (!pid.IsEmpty)
        {
            Emit("["u8);
            Emit(pid);
            Emit("]"u8);
        }
        Emit(": "u8);
        if (messageLength > 0)
        {
            var message = _scratch.AsSpan(0, messageLength);
            // One record is one line: a multi-line message must not split it.
            message.Replace((byte)'\n', (byte)' ');
            message.Replace((byte)'\r', (byte)' ');
            Emit(message);
        }
        Emit("\n"u8);
    }

    /// <summary>Copies MESSAGE (a string, or an array of byte values when it was not valid UTF-8) to the scratch buffer.</summary>
    private int ReadMessage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var max = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
            EnsureScratch(max);
            return reader.CopyString(_scratch);
        }
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var length = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.Number)
            {
                EnsureScratch(length + 1);
                _scratch[length++] = reader.TryGetByte(out var b) ? b : (byte)'?';
            }
            return length;
        }
        reader.TrySkip();
        return 0;
    }

    private void EnsureScratch(int length)
    {
        if (_scratch.Length < length)
        {
            Array.Resize(ref _scratch, Math.Max(length, _scratch.Length * 2));
        }
    }

    private void WriteRaw(ReadOnlySpan<byte> line)
    {
        Emit(line);
        Emit("\n"u8);
    }

    private void Emit(ReadOnlySpan<byte> bytes) => _out.Write(bytes);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
