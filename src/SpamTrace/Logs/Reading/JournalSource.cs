using System.Globalization;
using SpamTrace.Common;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// Reads Postfix's (and Dovecot's and amavis') records straight from the systemd journal, for machines where
/// journald is the only log (Debian 12 without rsyslog): `journalctl -o json`, turned into syslog lines by
/// <see cref="JournalJsonTranscoder"/> like an exported file.
/// </summary>
public static class JournalSource
{
    /// <summary>Names the journalctl binary to run instead of the one on PATH.</summary>
    public const string OverrideVariable = "SPAMTRACE_JOURNALCTL";

    /// <summary>Identifier and unit prefixes of the mail programs whose records are read.</summary>
    private static readonly string[] Programs = ["postfix", "dovecot", "amavis"];

    /// <summary>The journalctl to run, or null when there is none.</summary>
    public static string? Journalctl()
    {
        var configured = Environment.GetEnvironmentVariable(OverrideVariable);
        return ExecutablePath.Find(string.IsNullOrEmpty(configured) ? "journalctl" : configured);
    }

    /// <summary>How the journal read is named in messages.</summary>
    public static string Name(string? directory) => directory is null ? "journal" : $"journal:{directory}";

    /// <summary>
    /// The journal as one log input, or why it cannot be one: no journalctl, journalctl failing, or no record of
    /// a mail program in it.
    /// </summary>
    /// <param name="directory">A copied journal directory (`journalctl -D`); null: this machine's journal.</param>
    /// <param name="sinceUtc">Passed to journalctl as --since, so older records are not even read.</param>
    public static (LogInput? Input, InputError? Error) Open(string? directory, DateTime? sinceUtc)
    {
        var name = Name(directory);
        var journalctl = Journalctl();
        if (journalctl is null)
        {
            return (null, new InputError(name, null, "journalctl not found"));
        }
        List<string> matches;
        try
        {
            matches = Matches(FieldValues(journalctl, directory, "SYSLOG_IDENTIFIER"), FieldValues(journalctl, directory, "_SYSTEMD_UNIT"));
        }
        catch (IOException ex)
        {
            return (null, new InputError(name, null, ex.Message));
        }
        if (matches.Count == 0)
        {
            return (null, new InputError(name, null, "no Postfix, Dovecot or amavis records in the journal"));
        }
        var arguments = new List<string>(Location(directory)) { "-o", "json", "--all", "--no-pager", "-q" };
        if (sinceUtc is { } since)
        {
            arguments.Add("--since");
            arguments.Add(since.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
        }
        arguments.AddRange(matches);
        var input = new LogInput(name, () => LogOpener.Open(new ProcessOutputStream(journalctl, arguments, null), name), DateTime.UtcNow);
        return (input, null);
    }

    /// <summary>
    /// journalctl matches exact values only, and Postfix's identifiers vary (syslog_name, multiple instances):
    /// every identifier of a mail program present is matched, or (`+`) every unit of one.
    /// </summary>
    internal static List<string> Matches(IEnumerable<string> identifiers, IEnumerable<string> units)
    {
        var matches = identifiers.Where(IsMailProgram).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(i => "SYSLOG_IDENTIFIER=" + i).ToList();
        var unitMatches = units.Where(IsMailProgram).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(u => "_SYSTEMD_UNIT=" + u).ToList();
        if (matches.Count > 0 && unitMatches.Count > 0)
        {
            matches.Add("+");
        }
        matches.AddRange(unitMatches);
        return matches;
    }

    private static bool IsMailProgram(string value) => Programs.Any(p => value.StartsWith(p, StringComparison.Ordinal));

    private static string[] Location(string? directory) => directory is null ? [] : ["-D", directory];

    /// <summary>`journalctl -F FIELD`: the values a field takes in the journal.</summary>
    private static List<string> FieldValues(string journalctl, string? directory, string field)
    {
        using var stream = new ProcessOutputStream(journalctl, [.. Location(directory), "-F", field], null);
        using var reader = new StreamReader(stream);
        var values = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0)
            {
                values.Add(line);
            }
        }
        return values;
    }
}
