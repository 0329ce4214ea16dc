using System.Runtime.ExceptionServices;
using System.Text;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Reads the inputs in order into pooled chunks (one reader thread), parses the chunks in parallel
/// (one worker per core, which also complete year-less timestamps), and hands them to the consumer in order
/// on the calling thread, counting as they pass. Memory is the fixed chunk pool, whatever the log's size.
/// </summary>
public sealed class LogPipeline
{
    private readonly IReadOnlyList<LogInput> _inputs;
    private readonly IChunkConsumer _consumer;
    private readonly LogPipelineOptions _options;
    private readonly int _poolSize;
    private readonly LogChunk?[] _ready;
    private readonly object _gate = new();
    private long _totalChunks = -1;
    private Exception? _failure;

    private LogPipeline(IReadOnlyList<LogInput> inputs, IChunkConsumer consumer, LogPipelineOptions options)
    {
        _inputs = inputs;
        _consumer = consumer;
        _options = options;
        _poolSize = options.EffectivePoolSize;
        // Chunks leave the pool in sequence and return in sequence, so those in flight span fewer
        // sequence numbers than the pool holds and a ring indexed by sequence never collides.
        _ready = new LogChunk?[_poolSize];
    }

    /// <summary>Reads, parses and hands on every input; errors of single inputs are in the statistics, not thrown.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires.</exception>
    public static LogStatistics Run(IReadOnlyList<LogInput> inputs, IChunkConsumer consumer, LogPipelineOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(consumer);
        options ??= new LogPipelineOptions();
        options.Validate();
        return new LogPipeline(inputs, consumer, options).Run(cancellationToken);
    }

    private LogStatistics Run(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var free = new HandOffQueue<LogChunk>();
        var work = new HandOffQueue<LogChunk>();
        for (var i = 0; i < _poolSize; i++)
        {
            _ = free.Add(new LogChunk(_options.ChunkSize, _options.MaxLinesPerChunk));
        }

        var reader = new ChunkReader(_inputs, _options, free, chunk => work.Add(chunk), stop.Token);
        var threads = new List<Thread>
        {
            Start("spamtrace-read", () =>
            {
                try
                {
                    reader.ReadAll();
                    lock (_gate)
                    {
                        _totalChunks = reader.ChunksEmitted;
                        Monitor.PulseAll(_gate);
                    }
                }
                finally
                {
                    work.CompleteAdding();
                }
            }, stop),
        };
        for (var w = 0; w < _options.Workers; w++)
        {
            threads.Add(Start($"spamtrace-parse-{w}", () =>
            {
                while (work.Take(stop.Token) is { } chunk)
                {
                    ChunkParser.Parse(chunk, _options.MaxLineLength, _options.ParseLine);
                    lock (_gate)
                    {
                        _ready[chunk.Sequence % _poolSize] = chunk;
                        Monitor.PulseAll(_gate);
                    }
                }
            }, stop));
        }

        try
        {
            var statistics = HandOff(free, stop.Token);
            _consumer.Complete();
            return statistics;
        }
        catch (OperationCanceledException) when (_failure is not null && !cancellationToken.IsCancellationRequested)
        {
            // A stage died and cancelled the others: report its error, not the cancellation.
            ExceptionDispatchInfo.Capture(_failure).Throw();
            throw;
        }
        finally
        {
            stop.Cancel();
            foreach (var thread in threads)
            {
                thread.Join();
            }
        }
    }

    /// <summary>The consuming loop on the calling thread: takes the chunks in sequence.</summary>
    private LogStatistics HandOff(HandOffQueue<LogChunk> free, CancellationToken cancellationToken)
    {
        var statistics = new LogStatistics();
        long? totalStored = _inputs.All(i => i.SizeOnDisk is not null) ? _inputs.Sum(i => i.SizeOnDisk!.Value) : null;
        var currentInput = -1;
        long firstTicks = long.MaxValue, lastTicks = long.MinValue;
        for (long next = 0; ; next++)
        {
            var chunk = WaitFor(next, cancellationToken);
            if (chunk is null)
            {
                break;
            }
            if (chunk.InputIndex != currentInput)
            {
                currentInput = chunk.InputIndex;
                statistics.InputsRead.Add(chunk.Input.Path);
            }
            firstTicks = Math.Min(firstTicks, chunk.FirstTicks);
            lastTicks = Math.Max(lastTicks, chunk.LastTicks);
            Count(chunk, statistics);
            // Read before the chunk goes back to the pool: the reader may refill it at once.
            var position = chunk.SourcePosition;

            try
            {
                if (chunk.EventCount > 0)
                {
                    _consumer.Consume(chunk);
                }
            }
            finally
            {
                lock (_gate)
                {
                    _ready[next % _poolSize] = null;
                }
                _ = free.Add(chunk);
            }
            _options.Progress?.Invoke(position, totalStored);
        }
        if (firstTicks != long.MaxValue)
        {
            statistics.FirstTimeUtc = new DateTime(firstTicks, DateTimeKind.Utc);
            statistics.LastTimeUtc = new DateTime(lastTicks, DateTimeKind.Utc);
        }
        return statistics;
    }

    private static void Count(LogChunk chunk, LogStatistics statistics)
    {
        statistics.Bytes += chunk.Length;
        statistics.Lines += chunk.EventCount;
        statistics.TruncatedLines += chunk.TruncatedLines;
        statistics.UnknownMailLines += chunk.UnknownMailLines;
        for (var k = 0; k < chunk.KindCounts.Length; k++)
        {
            statistics.ByKind[k] += chunk.KindCounts[k];
        }
        if (chunk.KindCounts[(int)EventKind.Unknown] > 0 && statistics.UnknownSamples.Count < LogStatistics.MaxUnknownSamples)
        {
            foreach (ref readonly var ev in chunk.ParsedEvents)
            {
                if (ev.Kind == EventKind.Unknown)
                {
                    var line = chunk.Line(ev);
                    var text = Encoding.UTF8.GetString(line[..Math.Min(line.Length, 2048)]);
                    statistics.UnknownSamples.Add(new UnknownLineSample(chunk.Input.Path, ev.LineNumber, text));
                    if (statistics.UnknownSamples.Count == LogStatistics.MaxUnknownSamples)
                    {
                        break;
                    }
                }
            }
        }
        if (chunk.Error is not null)
        {
            statistics.Errors.Add(chunk.Error);
        }
    }

    /// <summary>The chunk with sequence <paramref name="sequence"/> once parsed, or null after the last one.</summary>
    private LogChunk? WaitFor(long sequence, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            while (true)
            {
                if (_failure is not null)
                {
                    ExceptionDispatchInfo.Capture(_failure).Throw();
                }
                cancellationToken.ThrowIfCancellationRequested();
                var chunk = _ready[sequence % _poolSize];
                if (chunk is not null && chunk.Sequence == sequence)
                {
                    return chunk;
                }
                if (_totalChunks >= 0 && sequence >= _totalChunks)
                {
                    return null;
                }
                // The timeout only bounds how late a cancellation is noticed.
                Monitor.Wait(_gate, 200);
            }
        }
    }

    private Thread Start(string name, Action body, CancellationTokenSource stop)
    {
        var thread = new Thread(() =>
        {
            try
            {
                ThreadNice.Lower();
                body();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    _failure ??= ex;
                    Monitor.PulseAll(_gate);
                }
                stop.Cancel();
            }
        })
        {
            Name = name,
            IsBackground = true,
        };
        thread.Start();
        return thread;
    }
}
