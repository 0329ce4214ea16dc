using SpamTrace.Audit.Findings;

namespace SpamTrace.Dns;

/// <summary>What one check produced: findings, and a table row for everything it looked at.</summary>
public sealed class DnsCheckOutput
{
    public List<AuditFinding> Findings { get; } = [];

    public List<DnsCheckRow> Rows { get; } = [];

    public void Add(AuditFinding finding, string check, string subject)
    {
        Findings.Add(finding);
        Rows.Add(new DnsCheckRow(check, subject, DnsSeverities.Status(finding.Severity), finding.Title));
    }

    public void Row(string check, string subject, string status, string detail) => Rows.Add(new DnsCheckRow(check, subject, status, detail));

    /// <summary>
    /// A check DNS could not answer: a finding that says so and never claims a problem with the record itself.
    /// </summary>
    public void Unchecked(string check, string subject, string error)
    {
        Findings.Add(new AuditFinding
        {
            Id = $"dns.{check}.unchecked",
            Severity = AuditSeverity.Low,
            Title = $"could not check {check} of {subject}: DNS did not answer",
            Evidence = [new AuditEvidence(subject, error)],
            Why = "A failed query says nothing about the record: this check is left undecided rather than reported as missing.",
            Note = "Run again, or give a resolver that answers with --resolver HOST[:PORT].",
        });
        Rows.Add(new DnsCheckRow(check, subject, "unchecked", error));
    }

    public void Merge(DnsCheckOutput other)
    {
        Findings.AddRange(other.Findings);
        Rows.AddRange(other.Rows);
    }
}
