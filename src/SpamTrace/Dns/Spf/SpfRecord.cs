namespace SpamTrace.Dns.Spf;

/// <summary>A parsed SPF record: its directives in order, and its redirect and exp targets.</summary>
public sealed record SpfRecord(string Text, IReadOnlyList<SpfMechanism> Mechanisms, IReadOnlyList<SpfModifier> Modifiers)
{
    public string? Redirect => Modifiers.FirstOrDefault(m => m.Name == "redirect")?.Value;

    public string? Explanation => Modifiers.FirstOrDefault(m => m.Name == "exp")?.Value;

    /// <summary>Whether <paramref name="text"/> is an SPF record at all (RFC 7208 4.5: "v=spf1" then a space or the end).</summary>
    public static bool IsSpfRecord(string text) =>
        text.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (text.Length == 6 || text[6] == ' ');
}
