namespace SpamTrace.Policy.Limits;

/// <summary>
/// An access(5) action returned to Postfix. The three verbs a limit usually needs have shortcuts; any other access(5)
/// action (4NN/5NN text, DEFER_IF_PERMIT, DISCARD, FILTER, REDIRECT, PREPEND, WARN, BCC, ...) can be configured as is.
/// </summary>
public sealed class PolicyAction
{
    private static readonly string[] KnownVerbs =
    [
        "OK", "DUNNO", "REJECT", "DEFER", "DEFER_IF_REJECT", "DEFER_IF_PERMIT", "HOLD", "DISCARD", "FILTER",
        "REDIRECT", "PREPEND", "WARN", "INFO", "BCC", "BCC", "PASS",
    ];

    public static readonly PolicyAction Dunno = new("DUNNO");

    private PolicyAction(string text)
    {
        Text = text;
        Reply = System.Text.Encoding.UTF8.GetBytes($"action={text}\n\n");
        var space = text.IndexOf(' ');
        Verb = space < 0 ? text : text[..space];
    }

    /// <summary>The full action as sent after "action=".</summary>
    public string Text { get; }

    /// <summary>The first word (DEFER, HOLD, 450, ...): the label used in metrics and status.</summary>
    public string Verb { get; }

    /// <summary>The whole reply on the wire, built once.</summary>
    public byte[] Reply { get; }

    /// <summary>
    /// Builds an action from config text. DEFER, REJECT or HOLD alone get <paramref name="defaultText"/> appended,
    /// after the enhanced status code of the verb (4.7.1, 5.7.1).
    /// </summary>
    public static PolicyAction Parse(string configured, string defaultText, out string? error)
    {
        error = null;
        var text = configured.Trim();
        if (text.Length == 0 || text.Any(c => c is '\n' or '\r' || char.IsControl(c)))
        {
            error = "an action must be one line of text, like DEFER, REJECT or HOLD";
            return Dunno;
        }
        var space = text.IndexOf(' ');
        var verb = (space < 0 ? text : text[..space]).ToUpperInvariant();
        var isCode = verb.Length == 3 && verb[0] is '4' or '5' && verb.All(char.IsAsciiDigit);
        if (!isCode && !KnownVerbs.Contains(verb))
        {
            error = $"'{verb}' is not an access(5) action (use DEFER, REJECT, HOLD, DUNNO, 4NN text, 5NN text, ...)";
            return Dunno;
        }
        if (isCode && space < 0)
        {
            error = $"'{verb}' needs a text after the code";
            return Dunno;
        }
        var rest = space < 0 ? "" : text[space..];
        if (space < 0 && defaultText.Length > 0)
        {
            rest = verb switch
            {
                "DEFER" => " 4.7.1 " + defaultText,
                "REJECT" => " 5.7.1 " + defaultText,
                "HOLD" => " " + defaultText,
                _ => "",
            };
        }
        return new PolicyAction(verb + rest);
    }

    public override string ToString() => Text;
}
