namespace SpamTrace.Audit.Probe;

/// <summary>
/// One SMTP reply: its three-digit code and its text lines (without the code and separator). The text is the
/// server's and therefore attacker-controlled: renderers escape it.
/// </summary>
public sealed record SmtpReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPositive => Code is >= 200 and < 400;

    public bool IsPositiveCompletion => Code is >= 200 and < 300;

    /// <summary>"250 2.1.0 Ok", multi-line replies joined by " / ".</summary>
    public override string ToString() => $"{Code} {string.Join(" / ", Lines)}".TrimEnd();
}
