using System.Globalization;
using SpamTrace.Logs.Reading;
using SpamTrace.Reports;

namespace SpamTrace.Cli;

/// <summary>
/// Input that gave nothing to judge is an input error, not a clean bill of health: monitoring reads exit 0 as
/// "no spam", so an empty file, a binary or /var/log/dpkg.log must not get it. diagnose and scan share these rules.
/// </summary>
public static class InputChecks
{
    /// <summary>Why nothing read counts, or null when some mail log lines were read.</summary>
    public static string? NoMailLines(LogStatistics statistics)
    {
        if (statistics.MailLines > 0 || statistics.InputsRead.Count == 0)
        {
            return null;
        }
        var what = statistics.InputsRead.Count == 1
            ? TerminalText.Escape(statistics.InputsRead[0])
            : string.Create(CultureInfo.InvariantCulture, $"{statistics.InputsRead.Count} inputs");
        return statistics.Lines == 0
            ? $"{what}: empty, no line to read: is this a mail log?"
            : string.Create(CultureInfo.InvariantCulture, $"{what}: {statistics.Lines:N0} lines read, none from Postfix: is this a mail log?");
    }

    /// <summary>The line that says a run is incomplete because some inputs failed, or null when none did.</summary>
    public static string? FailedInputs(int failed, int named) =>
        failed == 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"Incomplete: {failed} of {named} inputs could not be read (errors above); this covers only the rest.");
}
