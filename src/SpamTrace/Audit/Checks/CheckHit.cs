using SpamTrace.Audit.Findings;

namespace SpamTrace.Audit.Checks;

/// <summary>A main.cf change (postconf -e) or, with a service, a master.cf -o change (postconf -P).</summary>
public sealed record ConfigChange(string Parameter, string Value, string? ServiceName = null, string? ServiceType = null);

/// <summary>One occurrence of a check: the evidence, the exact fix, and what differs from the check's defaults.</summary>
public sealed record CheckHit(IReadOnlyList<AuditEvidence> Evidence)
{
    public IReadOnlyList<ConfigChange> Changes { get; init; } = [];
    /// <summary>Commands that are not postconf changes (a line to add to php.ini, a file to create).</summary>
    public IReadOnlyList<string> OtherCommands { get; init; } = [];
    public string? Note { get; init; }
    public string? Service { get; init; }
    public AuditSeverity? Severity { get; init; }
    public string? Title { get; init; }
}

/// <summary>One row of the check table: a stable id, its severity, title, why in one sentence, and how to find it.</summary>
public sealed record ConfigCheck(string Id, AuditSeverity Severity, string Title, string Why, Func<AuditContext, IEnumerable<CheckHit>> Find)
{
    public IReadOnlyList<string> Links { get; init; } = [];
}
