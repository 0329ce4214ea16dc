using SpamTrace.Logs.Reading;

namespace SpamTrace.Cli;

/// <summary>
/// Where a command's log lines come from: the paths given; without any, the mail log files, else the systemd
/// journal (a machine with journald only); the journal alone with --journal or --journal-dir.
/// </summary>
public static class LogSources
{
    public sealed record Resolution(IReadOnlyList<LogInput> Inputs, IReadOnlyList<InputError> Errors, string Tried);

    /// <param name="paths">The LOG arguments.</param>
    /// <param name="journal">--journal: read this machine's journal, not files.</param>
    /// <param name="journalDirectory">--journal-dir: read a copied journal (journalctl -D).</param>
    /// <param name="sinceUtc">--since, passed on to journalctl.</param>
    public static Resolution Resolve(IReadOnlyList<string> paths, bool journal, string? journalDirectory, DateTime? sinceUtc)
    {
        if (journal || journalDirectory is not null)
        {
            if (paths.Count > 0)
            {
                throw new UserFacingException("--journal and --journal-dir read the journal instead of log files: give either log paths or one of them");
            }
            if (journalDirectory is not null && !Directory.Exists(journalDirectory))
            {
                throw new UserFacingException($"{journalDirectory}: no such directory (--journal-dir)");
            }
            var (input, error) = JournalSource.Open(journalDirectory, sinceUtc);
            var tried = $"the journal ({JournalSource.Name(journalDirectory)})";
            return input is null ? new Resolution([], [error!], tried) : new Resolution([input], [], tried);
        }

        var (inputs, errors) = LogDiscovery.Resolve(paths);
        var files = $"{Path.Combine(LogDiscovery.DefaultLogRoot, "maillog*")} and {Path.Combine(LogDiscovery.DefaultLogRoot, "mail.log*")}";
        if (inputs.Count > 0 || paths.Count > 0)
        {
            return new Resolution(inputs, errors, files);
        }
        var (journalInput, journalError) = JournalSource.Open(null, sinceUtc);
        if (journalInput is not null)
        {
            LogInputs.Warn($"no mail log file ({files}): reading Postfix's records from the systemd journal (journalctl)");
            return new Resolution([journalInput], [], files);
        }
        return new Resolution([], errors, $"looked for {files}, and in the systemd journal: {journalError!.Message}");
    }
}
