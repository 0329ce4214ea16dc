using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Relay;

namespace SpamTrace.Audit.Checks;

/// <summary>A finding with the postconf changes --apply can make for it.</summary>
public sealed record AppliableFix(AuditFinding Finding, IReadOnlyList<ConfigChange> Changes);

/// <summary>Runs the check table and the relay simulation on one instance and adds them to a report.</summary>
public static class ConfigAudit
{
    public const string RelaySectionId = "relay";

    public static List<AppliableFix> AddTo(AuditReport report, AuditContext ctx, IEnumerable<ConfigCheck>? checks = null)
    {
        var fixes = new List<AppliableFix>();
        foreach (var check in checks ?? ConfigChecks.All)
        {
            foreach (var hit in check.Find(ctx))
            {
                var commands = hit.Changes.Select(ctx.Command).Concat(hit.OtherCommands).ToList();
                var finding = new AuditFinding
                {
                    Id = check.Id,
                    Severity = hit.Severity ?? check.Severity,
                    Title = hit.Title ?? check.Title,
                    Evidence = hit.Evidence,
                    Why = check.Why,
                    Fix = commands,
                    Note = hit.Note,
                    Links = check.Links,
                    Service = hit.Service,
                    Appliable = hit.Changes.Count > 0 && hit.Changes.All(c => c.ServiceName is null) && hit.OtherCommands.Count == 0,
                };
                report.Findings.Add(finding);
                fixes.Add(new AppliableFix(finding, hit.Changes));
            }
        }
        report.Sections.Add(RelaySection(ctx.Relay));
        return fixes;
    }

    public static AuditSection RelaySection(IEnumerable<ServiceRelay> services)
    {
        var rows = new List<IReadOnlyList<string>>();
        foreach (var s in services)
        {
            foreach (var v in s.Verdicts)
            {
                rows.Add([s.Label, v.Client.Label, v.RecipientIsOurs ? "our domain" : "other domain", Outcome(v), Decided(v)]);
            }
        }
        return new AuditSection(RelaySectionId, "Who may send through each smtpd service", ["service", "client", "recipient", "result", "because"], rows)
        {
            Note = "Simulated from the files: access maps that cannot be read and policy services are named; \"cannot decide\" where only their answer would tell.",
        };
    }

    private static string Outcome(RelayVerdict v) => v.Outcome switch
    {
        RelayOutcome.Accepted => v.RecipientIsOurs ? "accepted" : "RELAYS",
        RelayOutcome.Rejected => "rejected",
        RelayOutcome.Deferred => "deferred",
        RelayOutcome.Undecided => "cannot decide statically",
        _ => "n/a",
    };

    private static string Decided(RelayVerdict v)
    {
        var text = v.DecidedBy?.ToString() ?? v.Reason ?? "";
        if (v.Caveats.Count > 0 && v.Outcome != RelayOutcome.Undecided)
        {
            text += (text.Length > 0 ? "; " : "") + "unless " + string.Join(", ", v.Caveats);
        }
        return text;
    }
}
