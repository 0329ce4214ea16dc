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
    /// Chunks of 1 MiB (about 7,000 lines): small enough that the pool of parsed chunks costs ~15 MB,
    /// large enough that hand-off overhead stays under 1%.
    /// </summary>
    public static LogPipelineOptions PipelineOptions(Action<long, long?>? progress = null, int? workers = null) => new()
    {
        ChunkSize = 1 << 20,
        MaxLinesPerChunk = 8 * 1024,
        MaxLineLength = TextRange.MaxLineLength,
        Workers = workers ?? Environment.ProcessorCount,
        Progress = progress,
    };
}
