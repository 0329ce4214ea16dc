namespace SpamTrace.Logs.Reading;

/// <summary>
/// The reading stage: fills pooled chunks with whole lines from each input in turn. A line split across two
/// reads is carried whole into the next chunk; a line longer than the cap is cut to the cap and the rest
/// skipped up to its newline, so no line, however long, can stall or grow the chunking.
/// </summary>
internal sealed class ChunkReader(
    IReadOnlyList<LogInput> inputs,
    LogPipelineOptions options,
    HandOffQueue<LogChunk> free,
    Action<LogChunk> emit,
    CancellationToken cancellationToken)
{
    private readonly int _maxLine = options.MaxLineLength;
    private long _sequence;
    private long _sourceBefore;
    private long _sourcePosition;
    private readonly long _now = (options.NowUtc ?? DateTime.UtcNow).Ticks;
    private long _yearReference;

    /// <summary>Chunks emitted so far (after <see cref="ReadAll"/>: in total).</summary>
    public long ChunksEmitted => _sequence;

    public void ReadAll()
    {
        for (var i = 0; i < inputs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadInput(i, inputs[i]);
            _sourceBefore = _sourcePosition;
        }
    }

    private void ReadInput(int index, LogInput input)
    {
        var lineNumber = 1L;
        _yearReference = input.LastWriteUtc?.Ticks ?? _now;
        var chunk = Rent(index, input, lineNumber);
        Stream stream;
        try
        {
            stream = input.Open();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            chunk.Error = new InputError(input.Path, null, Describe(ex));
            chunk.IsEndOfInput = true;
            Emit(chunk);
            return;
        }

        try
        {
            var pos = 0;
            var skipping = false;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n;
                try
                {
                    n = stream.Read(chunk.Buffer.AsSpan(pos));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Hand on what was read (whole lines or not) and say where it stopped.
                    chunk.Length = pos;
                    var stopped = lineNumber + CountLines(chunk.Buffer.AsSpan(0, pos));
                    TrackSource(stream);
                    FlushFinal(ref chunk, ref lineNumber, new InputError(input.Path, stopped, Describe(ex)));
                    return;
                }
                TrackSource(stream);
                if (n == 0)
                {
                    chunk.Length = pos;
                    FlushFinal(ref chunk, ref lineNumber, null);
                    return;
                }
                if (skipping)
                {
                    // Drop the rest of a truncated line, including its newline (the kept part already ends with one).
                    var newline = chunk.Buffer.AsSpan(pos, n).IndexOf((byte)'\n');
                    if (newline < 0)
                    {
                        continue;
                    }
                    var keep = n - newline - 1;
                    chunk.Buffer.AsSpan(pos + newline + 1, keep).CopyTo(chunk.Buffer.AsSpan(pos));
                    n = keep;
                    skipping = false;
                }
                pos += n;
                if (pos == chunk.Buffer.Length)
                {
                    skipping = FlushFull(ref chunk, ref pos, ref lineNumber);
                }
            }
        }
        finally
        {
            try
            {
                stream.Dispose();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A decoder may complain again on close about data already reported as corrupt.
            }
        }
    }

    /// <summary>
    /// The buffer is full: emit its whole lines and start a new chunk with the partial last line.
    /// Returns true when that partial line was longer than the cap and its rest must be skipped.
    /// </summary>
    private bool FlushFull(ref LogChunk chunk, ref int pos, ref long lineNumber)
    {
        var buffer = chunk.Buffer;
        var tailStart = buffer.AsSpan(0, pos).LastIndexOf((byte)'\n') + 1;
        var skipping = false;
        if (pos - tailStart > _maxLine)
        {
            // Keep the cap's worth and end it here: ChunkSize > 2 * cap guarantees room for the newline.
            pos = tailStart + _maxLine;
            buffer[pos++] = (byte)'\n';
            tailStart = pos;
            skipping = true;
            chunk.TruncatedLines++;
        }
        // Move the partial line to a fresh chunk before this one is handed on (and may come back to the pool).
        var carry = pos - tailStart;
        var fresh = Rent(chunk.InputIndex, chunk.Input, 0);
        buffer.AsSpan(tailStart, carry).CopyTo(fresh.Buffer);
        chunk.Length = tailStart;
        Emit(SplitOnLineLimit(ref chunk, ref lineNumber));
        fresh.FirstLineNumber = lineNumber;
        chunk = fresh;
        pos = carry;
        return skipping;
    }

    /// <summary>The input ended (or failed): emit everything left, the last line even without its newline.</summary>
    private void FlushFinal(ref LogChunk chunk, ref long lineNumber, InputError? error)
    {
        var last = SplitOnLineLimit(ref chunk, ref lineNumber);
        last.IsEndOfInput = true;
        last.Error = error;
        Emit(last);
    }

    /// <summary>
    /// Emits leading parts of <paramref name="chunk"/> while it holds more lines than a chunk has events for,
    /// and returns the remainder (not yet emitted) with its line count applied to <paramref name="lineNumber"/>.
    /// </summary>
    private LogChunk SplitOnLineLimit(ref LogChunk chunk, ref long lineNumber)
    {
        while (true)
        {
            var content = chunk.Buffer.AsSpan(0, chunk.Length);
            var lines = CountLines(content);
            if (lines <= options.MaxLinesPerChunk)
            {
                lineNumber += lines;
                return chunk;
            }
            var cut = 0;
            for (var i = 0; i < options.MaxLinesPerChunk; i++)
            {
                cut += content[cut..].IndexOf((byte)'\n') + 1;
            }
            lineNumber += options.MaxLinesPerChunk;
            var rest = Rent(chunk.InputIndex, chunk.Input, lineNumber);
            rest.Length = chunk.Length - cut;
            content[cut..].CopyTo(rest.Buffer);
            chunk.Length = cut;
            Emit(chunk);
            chunk = rest;
        }
    }

    /// <summary>Lines in a block: its newlines, plus one for a last line without a newline.</summary>
    internal static long CountLines(ReadOnlySpan<byte> content) =>
        content.IsEmpty ? 0 : content.Count((byte)'\n') + (content[^1] == (byte)'\n' ? 0 : 1);

    private LogChunk Rent(int index, LogInput input, long firstLine)
    {
        var chunk = free.Take(cancellationToken) ?? throw new InvalidOperationException("the chunk pool was closed while reading");
        chunk.Reset();
        chunk.InputIndex = index;
        chunk.Input = input;
        chunk.FirstLineNumber = firstLine;
        chunk.YearReferenceTicks = _yearReference;
        return chunk;
    }

    private void Emit(LogChunk chunk)
    {
        chunk.Sequence = _sequence++;
        chunk.SourcePosition = _sourcePosition;
        emit(chunk);
    }

    private void TrackSource(Stream stream) =>
        _sourcePosition = _sourceBefore + (stream is DecodedLogStream decoded ? decoded.SourceBytesRead : stream.CanSeek ? stream.Position : 0);

    private static string Describe(Exception ex) => ex switch
    {
        CorruptInputException => ex.Message,
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied (run as root or as a member of the adm group)",
        IOException => ex.Message,
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
