using SpamTrace.Reports;

namespace SpamTrace.Policy;

/// <summary>
/// Request values in the service's log lines: whoever reaches the policy socket writes them, so CR, LF, NEL, the
/// Unicode line and paragraph separators and other control characters are escaped and cannot forge a log line.
/// </summary>
public static class LogValue
{
    public static string Of(string? value, string missing = "-") => value is null ? missing : TerminalText.Escape(value);
}
