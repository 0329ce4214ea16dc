using SpamTrace.Logs.Correlation;
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
        var correlator = new Correlator(observer, options);
        return LogPipeline.Run(inputs, correlator, new LogPipelineOptions { Progress = options.Progress }, cancellationToken);
    }
}
