using SpamTrace.Logs;
using Spectre.Console;

namespace SpamTrace.Cli;

/// <summary>
/// A progress bar on stderr while logs are read (bytes of the stored files, so compressed inputs count what was
/// read from disk), cleared at the end; nothing when stderr is not an interactive terminal.
/// </summary>
internal static class ReadingProgress
{
    public static T Run<T>(IAnsiConsole stderr, LogEngineOptions options, Func<LogEngineOptions, T> run)
    {
        if (Console.IsErrorRedirected || !stderr.Profile.Capabilities.Interactive)
        {
            return run(options);
        }
        T result = default!;
        stderr.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("reading logs", maxValue: 1);
                var withProgress = new LogEngineOptions
                {
                    KeepLines = options.KeepLines,
                    SinceUtc = options.SinceUtc,
                    UntilUtc = options.UntilUtc,
                    Host = options.Host,
                    Progress = (done, total) =>
                    {
                        if (total is > 0 and var t)
                        {
                            task.MaxValue = t;
                        }
                        task.Value = done;
                    },
                };
                result = run(withProgress);
                task.Value = task.MaxValue;
            });
        return result;
    }
}
