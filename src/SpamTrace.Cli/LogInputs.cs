using SpamTrace.Logs.Reading;
using Spectre.Console;

namespace SpamTrace.Cli;

/// <summary>Resolves the log arguments of a command and reports unreadable ones without stopping.</summary>
public static class LogInputs
{
    public static IReadOnlyList<LogInput> Resolve(IReadOnlyList<string> paths) => Resolve(paths, journal: false, journalDirectory: null, sinceUtc: null);

    /// <summary>As <see cref="LogSources.Resolve"/>: also the journal, with --journal/--journal-dir or when no mail log file exists.</summary>
    public static IReadOnlyList<LogInput> Resolve(IReadOnlyList<string> paths, bool journal, string? journalDirectory, DateTime? sinceUtc)
    {
        var (inputs, errors, tried) = LogSources.Resolve(paths, journal, journalDirectory, sinceUtc);
        foreach (var e in errors)
        {
            Warn(e.ToString());
        }
        if (inputs.Count == 0)
        {
            throw new UserFacingException(paths.Count == 0
                ? $"no mail log found ({tried}); name the log files to read"
                : "none of the given logs could be read");
        }
        return inputs;
    }

    public static void ReportErrors(LogStatistics stats)
    {
        foreach (var e in stats.Errors)
        {
            Warn(e.ToString());
        }
    }

    public static void Warn(string message)
    {
        var stderr = Consoles.Stderr();
        stderr.MarkupLine($"[yellow]spamtrace:[/] {Markup.Escape(message)}");
    }
}
