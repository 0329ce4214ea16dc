namespace SpamTrace.Audit.Findings;

/// <summary>
/// One thing the audit found: a stable id (for --only/--skip/--apply), how bad, what, where (evidence), why in one
/// sentence, and the fix as exact commands an admin can paste. Every value taken from a config file is
/// shell-quoted in Fix and escaped by the renderers.
/// </summary>
public sealed record AuditFinding
{
    public required string Id { get; init; }
    public required AuditSeverity Severity { get; init; }
    public required string Title { get; init; }
    public IReadOnlyList<AuditEvidence> Evidence { get; init; } = [];
    public required string Why { get; init; }
    /// <summary>Commands (postconf -e, postconf -P, a master.cf edit) in order; empty when the fix is advice only.</summary>
    public IReadOnlyList<string> Fix { get; init; } = [];
    /// <summary>Advice beside the commands (what to check first, what else to consider).</summary>
    public string? Note { get; init; }
    public IReadOnlyList<string> Links { get; init; } = [];
    /// <summary>The smtpd service this finding is about ("smtp", "submission", "127.0.0.1:25"), or null for main.cf-wide.</summary>
    public string? Service { get; init; }
    /// <summary>True when --apply can carry out Fix through the containment journal (postconf -e / -P only).</summary>
    public bool Appliable { get; init; }
}
