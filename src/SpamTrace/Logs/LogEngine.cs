using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Logs;

/// <summary>
/// The one entry point every command uses: read the inputs, parse every line, correlate them into
/// message chains and session events, and hand those to the observer as soon as each is complete.
/// </summary>
public static class LogEngine
{
    public static LogStatistics Run(IReadOnlyList<LogInput> inputs, ILogObserver observer, LogEngineOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(options);
        var background = new BackgroundObserver(observer);
        var correlator = new Correlator(background, options);
        LogStatistics stats;
        try
        {
            stats = LogPipeline.Run(inputs, correlator, PipelineOptions(options.Progress), cancellationToken);
        }
        catch
        {
            background.Abandon();
            throw;
        }
        // The observer has seen everything once this returns: callers read its results right after.
        background.Complete();
        return stats;
    }

    /// <summary>
    /// Chunks of 512 KiB (about 3,000 lines): the pool of parsed chunks costs about 7 MB, and a chunk's events
    /// (4,096 x 176 bytes) fit in a core's L2 cache. Measured on the 1 GB benchmark log against 1 MiB and 2 MiB
    /// chunks: the same time within noise, peak RSS 140 MB instead of 153 and 163.
    /// </summary>
    public static LogPipelineOptions PipelineOptions(Action<long, long?>? progress = null, int? workers = null) => new()
    {
        ChunkSize = 1 << 19,
        MaxLinesPerChunk = 4 * 1024,
        MaxLineLength = TextRange.MaxLineLength,
        Workers = workers ?? Environment.ProcessorCount,
        Progress = progress,
    };
}
