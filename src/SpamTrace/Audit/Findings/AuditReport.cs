namespace SpamTrace.Audit.Findings;

/// <summary>What an audit run produced: its findings (sorted most severe first) and optional tables.</summary>
public sealed class AuditReport
{
    /// <summary>What was audited: "/etc/postfix (postconf 3.7.11)", "relay probe of 127.0.0.1:25".</summary>
    public string Subject { get; init; } = "";
    public List<AuditFinding> Findings { get; } = [];
    public List<AuditSection> Sections { get; } = [];
    public List<string> Notes { get; } = [];
    public TimeSpan? Elapsed { get; set; }

    public IEnumerable<AuditFinding> Sorted() =>
        Findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Id, StringComparer.Ordinal).ThenBy(f => f.Service, StringComparer.Ordinal);

    /// <summary>Lint exit code: 1 when a finding is at or above failOn, else 0.</summary>
    public int ExitCode(AuditSeverity failOn) => Findings.Any(f => f.Severity >= failOn) ? 1 : 0;

    /// <summary>Keeps the findings whose id is in only (when given) and not in skip; ids match exactly or by prefix ending in '.' ("relay.").</summary>
    public void Filter(IReadOnlyCollection<string> only, IReadOnlyCollection<string> skip)
    {
        Findings.RemoveAll(f => (only.Count > 0 && !only.Any(o => Matches(f.Id, o))) || skip.Any(s => Matches(f.Id, s)));
    }

    public static bool Matches(string id, string pattern) =>
        id.Equals(pattern, StringComparison.OrdinalIgnoreCase) || (pattern.EndsWith('.') && id.StartsWith(pattern, StringComparison.OrdinalIgnoreCase));
}
