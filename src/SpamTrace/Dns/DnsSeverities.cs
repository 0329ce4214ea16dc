using SpamTrace.Audit.Findings;

namespace SpamTrace.Dns;

/// <summary>The DNS table's status words for each finding severity.</summary>
public static class DnsSeverities
{
    public static string Status(AuditSeverity severity) => severity switch
    {
        >= AuditSeverity.High => "error",
        AuditSeverity.Medium or AuditSeverity.Low => "warn",
        _ => "info",
    };
}
