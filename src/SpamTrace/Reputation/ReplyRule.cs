namespace SpamTrace.Reputation;

/// <summary>An enhanced status code condition: X.Y.Z exactly, X.Y.A-B as a range of the last part, or X.Y. as a prefix.</summary>
public sealed record StatusCodeCondition(int Class, int Subject, int DetailFrom, int DetailTo)
{
    public bool Matches(EnhancedStatusCode code) =>
        code.Class == Class && code.Subject == Subject && code.Detail >= DetailFrom && code.Detail <= DetailTo;

    public static StatusCodeCondition Parse(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 3 || !int.TryParse(parts[0], out var c) || !int.TryParse(parts[1], out var s))
        {
            throw new FormatException($"'{text}' is not an enhanced status code (X.Y.Z, X.Y.A-B or X.Y.)");
        }
        if (parts[2].Length == 0)
        {
            return new StatusCodeCondition(c, s, 0, 999);
        }
        var range = parts[2].Split('-');
        if (!int.TryParse(range[0], out var from) || range.Length > 2)
        {
            throw new FormatException($"'{text}' is not an enhanced status code (X.Y.Z, X.Y.A-B or X.Y.)");
        }
        var to = from;
        if (range.Length == 2 && !int.TryParse(range[1], out to))
        {
            throw new FormatException($"'{text}' has a bad range");
        }
        return new StatusCodeCondition(c, s, from, to);
    }
}

/// <summary>One row of the reply table: when all its conditions hold, the reply means <see cref="Class"/>.</summary>
public sealed record ReplyRule(
    ReplyClass Class,
    string? Provider,
    string? Rule,
    IReadOnlyList<string> Texts,
    IReadOnlyList<StatusCodeCondition> Codes,
    string? Advice,
    string? Link,
    int LineNumber);
