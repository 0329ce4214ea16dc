namespace SpamTrace.Audit.Findings;

/// <summary>How bad a finding is, lowest first, so that comparisons read as "at or above --fail-on".</summary>
public enum AuditSeverity
{
    Info,
    Low,
    Medium,
    High,
    Critical,
}

public static class AuditSeverities
{
    public static string Name(AuditSeverity severity) => severity.ToString().ToLowerInvariant();

    /// <summary>Parses --fail-on values (info, low, medium, high, critical); null when the text is none of them.</summary>
    public static AuditSeverity? Parse(string text) =>
        Enum.TryParse<AuditSeverity>(text, ignoreCase: true, out var s) && Enum.IsDefined(s) && !int.TryParse(text, out _) ? s : null;
}
