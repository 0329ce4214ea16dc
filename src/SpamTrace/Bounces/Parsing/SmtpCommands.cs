namespace SpamTrace.Bounces.Parsing;

/// <summary>
/// The SMTP command a transcript says the remote server answered ("in reply to RCPT TO command",
/// "after MAIL FROM"): the reason of a refusal depends on when in the session it came.
/// </summary>
public static class SmtpCommands
{
    private static readonly string[] Detectable =
        ["HELO", "EHLO", "STARTTLS", "AUTH PLAIN", "AUTH LOGIN", "AUTH CRAM-", "AUTH DIGEST-", "MAIL F", "RCPT", "RCPT T", "DATA", "QUIT", "XFORWARD"];

    /// <summary>The last command named, in session order (upper case as MTAs write it), or null.</summary>
    public static string? Find(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        string? last = null;
        var from = 0;
        foreach (var command in Detectable)
        {
            var at = text.IndexOf(command, from, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }
            if (at + 4 > text.Length)
            {
                break;
            }
            from = at;
            var name = text.Substring(at, 4);
            last = name switch { "STAR" => "STARTTLS", "XFOR" => "XFORWARD", _ => name };
        }
        return last;
    }
}
