using SpamTrace.Audit.Findings;
using SpamTrace.Containment;
using SpamTrace.Queue;

namespace SpamTrace.Audit.Checks;

/// <summary>What --apply did: the journal, its records, whether postfix check passed, and what was left to do by hand.</summary>
public sealed record AuditApplyResult(string? JournalId, List<JournalRecord> Records, bool CheckPassed, string? CheckError, List<string> Skipped);

/// <summary>
/// Turns chosen findings into postconf -e steps run through contain's journal (each old value saved before it is
/// replaced), then postfix check, then postfix reload; a failed check undoes the changes and reloads nothing.
/// master.cf changes (postconf -P) and edits of other files are listed for the admin, never made.
/// </summary>
public static class AuditFixes
{
    public static (ContainmentPlan Plan, List<string> Skipped) Plan(IEnumerable<AppliableFix> fixes, IReadOnlyCollection<string> ids, string? instance)
    {
        var plan = new ContainmentPlan();
        var skipped = new List<string>();
        foreach (var fix in fixes.Where(f => ids.Any(id => AuditReport.Matches(f.Finding.Id, id))))
        {
            if (!fix.Finding.Appliable || fix.Changes.Any(c => c.ServiceName is not null))
            {
                skipped.Add($"{fix.Finding.Id}{(fix.Finding.Service is null ? "" : $" ({fix.Finding.Service})")}: by hand: {string.Join(" && ", fix.Finding.Fix)}");
                continue;
            }
            foreach (var change in fix.Changes)
            {
                if (plan.Steps.Any(s => s.Parameter == change.Parameter)) { continue; }
                var display = new PostfixInstance(NoRunner.Instance, instance).Display("postconf", "-e", $"{change.Parameter}={change.Value}");
                plan.Steps.Add(new PlanStep
                {
                    Kind = StepKind.Postconf,
                    Instance = instance,
                    Description = $"{fix.Finding.Id}: set {change.Parameter}",
                    Commands = [display],
                    Parameter = change.Parameter,
                    NewValue = change.Value,
                });
            }
        }
        return (plan, skipped);
    }

    public static AuditApplyResult Apply(ContainmentExecutor executor, IProcessRunner runner, ContainmentPlan plan, string? instance, List<string> skipped)
    {
        if (plan.Steps.Count == 0)
        {
            return new AuditApplyResult(null, [], true, null, skipped);
        }
        var (id, records) = executor.Apply(plan);
        if (records.Any(r => r.Status == "failed"))
        {
            return new AuditApplyResult(id, records, false, null, skipped);
        }
        var postfix = new PostfixInstance(runner, instance);
        var check = runner.Run("postfix", postfix.Args("check"));
        if (check.ExitCode != 0)
        {
            var error = $"postfix check: exit {check.ExitCode}: {check.StandardError.Trim()}";
            records.AddRange(executor.Undo(id));
            return new AuditApplyResult(id, records, false, error, skipped);
        }
        var reload = new PlanStep { Kind = StepKind.Reload, Instance = instance, Description = "reload Postfix", Commands = [postfix.Display("postfix", "reload")] };
        var record = new JournalRecord { JournalId = id, Seq = plan.Steps.Count + 1, When = DateTimeOffset.Now, Step = reload, User = Environment.UserName };
        Thread.Sleep(1100); // Postfix ignores a main.cf younger than a second
        try
        {
            postfix.Reload();
            record.Status = "applied";
        }
        catch (QueueToolException ex)
        {
            record.Status = "failed";
            record.Note = ex.Message;
        }
        executor.Journal.Append(record);
        records.Add(record);
        return new AuditApplyResult(id, records, true, null, skipped);
    }

    /// <summary>A runner for display only: PostfixInstance.Display never runs anything.</summary>
    private sealed class NoRunner : IProcessRunner
    {
        public static readonly NoRunner Instance = new();

        public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? standardInput = null) =>
            throw new InvalidOperationException("display only");

        public T RunStreaming<T>(string program, IReadOnlyList<string> arguments, Func<Stream, T> consume, out ProcessResult result) =>
            throw new InvalidOperationException("display only");
    }
}
