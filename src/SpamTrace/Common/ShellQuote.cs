namespace SpamTrace.Common;

/// <summary>
/// Quotes text for a POSIX shell. Every user name, address, IP or script name in a suggested command comes from
/// the log, i.e. from the attacker: it goes through here so that pasting the command runs nothing else.
/// </summary>
public static class ShellQuote
{
    public static string Quote(string value)
    {
        if (value.Length > 0 && value.All(IsSafe))
        {
            return value;
        }
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static bool IsSafe(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '@' or '%' or '+' or '=' or ':' or ',' or '.' or '/' or '_' or '-';

    /// <summary>True when the text can be a key of a Postfix lookup table line (no whitespace, no control characters).</summary>
    public static bool IsSafeMapKey(string value) =>
        value.Length > 0 && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '#');

    /// <summary>A jq string literal (JSON string) for the value, then shell-quoted as part of a program by the caller.</summary>
    public static string JsonString(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
