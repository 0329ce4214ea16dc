using System.ComponentModel;
using Spectre.Console.Cli;

namespace SpamTrace.Cli;

/// <summary>The journald options of every command that reads mail logs (diagnose, trace, scan).</summary>
public abstract class JournalInputSettings : CommandSettings
{
    [CommandOption("--journal")]
    [Description("Read Postfix's records from the systemd journal (journalctl -o json) instead of log files; the default when no mail log file exists.")]
    public bool Journal { get; init; }

    [CommandOption("--journal-dir <DIR>")]
    [Description("Read a copied journal directory (journalctl -D DIR).")]
    public string? JournalDir { get; init; }
}
