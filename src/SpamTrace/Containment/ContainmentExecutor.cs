using SpamTrace.Queue;

namespace SpamTrace.Containment;

/// <summary>
/// Applies a plan step by step, journaling each one before (what it will do, the value it replaces) and after
/// (the queue IDs it really touched, those that had already left), and undoes a journal in reverse order.
/// Queue results are checked by listing the queue again, not taken from postsuper's word.
/// </summary>
public sealed class ContainmentExecutor(IProcessRunner runner, ContainmentJournal journal, Func<DateTimeOffset>? clock = null)
{
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.Now);
    private readonly string _user = Environment.UserName;

    public ContainmentJournal Journal { get; } = journal;

    /// <summary>Runs every step; stops at the first failure (what was applied stays journaled and undoable).</summary>
    public (string JournalId, List<JournalRecord> Results) Apply(ContainmentPlan plan)
    {
        var id = Journal.NewId(_clock());
        var results = new List<JournalRecord>();
        var seq = 0;
        foreach (var step in plan.Steps)
        {
            seq++;
            var instance = new PostfixInstance(runner, step.Instance);
            var record = Record(id, seq, "applying", step);
            if (step.Kind is StepKind.Postconf or StepKind.ServiceOverride)
            {
                record.Before = step.Parameter is null ? null : Current(instance, step);
                step.OldValue = record.Before; // the value really replaced, should main.cf have changed since planning
            }
            Journal.Append(record);
            try
            {
                var done = Record(id, seq, "applied", step);
                Execute(instance, step, done, id);
                Journal.Append(done);
                results.Add(done);
            }
            catch (Exception ex) when (ex is IOException or ContainmentException or UnauthorizedAccessException)
            {
                var failed = Record(id, seq, "failed", step);
                failed.Note = ex.Message;
                Journal.Append(failed);
                results.Add(failed);
                break;
            }
        }
        return (id, results);
    }

    private void Execute(PostfixInstance instance, PlanStep step, JournalRecord done, string journalId)
    {
        switch (step.Kind)
        {
            case StepKind.Hold:
            case StepKind.Release:
            case StepKind.Requeue:
            case StepKind.Delete:
                QueueStep(instance, step.Kind, step.QueueIds, done);
                break;
            case StepKind.MapEntry:
                AccessMapFile.Add(step.MapPath!, step.MapLines, journalId);
                if (step.MapType != "texthash")
                {
                    instance.Postmap($"{step.MapType}:{step.MapPath}");
                }
                done.After = string.Join("\n", step.MapLines);
                break;
            case StepKind.Postconf:
                instance.PostconfSet(step.Parameter!, step.NewValue!);
                done.Before = step.OldValue;
                done.After = instance.PostconfExplicit(step.Parameter!);
                break;
            case StepKind.ServiceOverride:
                MasterCfOverrides.Set(instance, step.Parameter!, step.NewValue!);
                done.Before = step.OldValue;
                done.After = MasterCfOverrides.Get(instance, step.Parameter!);
                break;
            case StepKind.PolicyBlock:
                RunChecked(step.PolicyBlockCommand);
                break;
            case StepKind.Reload:
                WaitForOneSecondOldFiles();
                instance.Reload();
                break;
        }
        if (step.Kind is StepKind.MapEntry or StepKind.Postconf or StepKind.ServiceOverride)
        {
            _lastConfigWrite = DateTime.UtcNow;
        }
    }

    private DateTime _lastConfigWrite = DateTime.MinValue;

    /// <summary>Postfix ignores a main.cf or table younger than a second: reload only once our writes are that old.</summary>
    private void WaitForOneSecondOldFiles()
    {
        var wait = _lastConfigWrite.AddSeconds(1.1) - DateTime.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            Thread.Sleep(wait);
        }
    }

    /// <summary>postsuper with exactly these IDs, then a fresh listing to see where each one really is.</summary>
    private static void QueueStep(PostfixInstance instance, StepKind kind, List<string> ids, JournalRecord done)
    {
        var flag = kind switch { StepKind.Hold => "-h", StepKind.Release => "-H", StepKind.Requeue => "-r", _ => "-d" };
        done.ReportedCount = instance.Postsuper(flag, ids);
        var after = instance.ListQueue(new QueueReadStatistics()).ToDictionary(m => m.QueueId, StringComparer.Ordinal);
        done.Touched = [];
        done.Gone = [];
        done.Untouched = [];
        foreach (var id in ids)
        {
            if (!after.TryGetValue(id, out var message))
            {
                (kind == StepKind.Delete ? done.Touched : done.Gone).Add(id);
                continue;
            }
            var inState = kind switch
            {
                StepKind.Hold => message.IsHeld,
                StepKind.Release or StepKind.Requeue => !message.IsHeld,
                _ => false,
            };
            (inState ? done.Touched : done.Untouched).Add(id);
        }
        if (kind == StepKind.Delete && done.ReportedCount is { } deleted && deleted < done.Touched.Count)
        {
            // Absent after a delete: postsuper's count tells deleted from already gone; which ones is not knowable.
            done.Note = $"{done.Touched.Count - deleted} of the {done.Touched.Count} absent messages had left the queue before postsuper ran";
        }
    }

    /// <summary>Undoes the steps of a journal, last first. Deletions cannot be undone and say so.</summary>
    public List<JournalRecord> Undo(string journalId)
    {
        var states = ContainmentJournal.LastBySeq(Journal.Read(journalId));
        var results = new List<JournalRecord>();
        var reload = new Dictionary<string, PostfixInstance>();
        foreach (var (seq, last) in states.OrderByDescending(kv => kv.Key))
        {
            if (last.Status is not ("applied" or "applying" or "undo_failed") || last.Step.Kind == StepKind.Reload)
            {
                continue;
            }
            var step = last.Step;
            var instance = new PostfixInstance(runner, step.Instance);
            var record = Record(journalId, seq, "undone", step);
            try
            {
                UndoStep(instance, step, last, record, journalId);
                if (step.Kind is StepKind.MapEntry or StepKind.Postconf or StepKind.ServiceOverride && record.Status == "undone")
                {
                    reload[step.Instance ?? ""] = instance;
                }
            }
            catch (Exception ex) when (ex is IOException or ContainmentException or UnauthorizedAccessException)
            {
                record.Status = "undo_failed";
                record.Note = ex.Message;
            }
            Journal.Append(record);
            results.Add(record);
        }
        foreach (var instance in reload.Values)
        {
            var record = Record(journalId, 0, "undone", new PlanStep { Kind = StepKind.Reload, Instance = instance.ConfigDirectory, Description = $"reload Postfix ({instance.Name})" });
            try
            {
                Thread.Sleep(1100); // files just rewritten: see WaitForOneSecondOldFiles
                instance.Reload();
            }
            catch (IOException ex)
            {
                record.Status = "undo_failed";
                record.Note = ex.Message;
            }
            Journal.Append(record);
            results.Add(record);
        }
        return results;
    }

    private void UndoStep(PostfixInstance instance, PlanStep step, JournalRecord applied, JournalRecord record, string journalId)
    {
        switch (step.Kind)
        {
            case StepKind.Hold:
            case StepKind.Release:
                {
                    // Only the messages this step moved, and only those still where it put them.
                    var moved = applied.Touched ?? step.QueueIds;
                    var reverse = step.Kind == StepKind.Hold ? StepKind.Release : StepKind.Hold;
                    var current = instance.ListQueue(new QueueReadStatistics()).ToDictionary(m => m.QueueId, StringComparer.Ordinal);
                    var still = moved.Where(id => current.TryGetValue(id, out var m) && m.IsHeld == (step.Kind == StepKind.Hold)).ToList();
                    QueueStep(instance, reverse, still, record);
                    record.Gone = [.. (record.Gone ?? []), .. moved.Where(id => !current.ContainsKey(id))];
                    record.Note = $"{record.Touched!.Count} of {moved.Count} messages {(step.Kind == StepKind.Hold ? "released" : "held again")}";
                    break;
                }
            case StepKind.Requeue:
                record.Status = "undo_skipped";
                record.Note = "a requeue needs no undo";
                break;
            case StepKind.Delete:
                record.Status = "undo_skipped";
                record.Note = $"{applied.Touched?.Count ?? 0} deleted messages cannot be brought back";
                break;
            case StepKind.MapEntry:
                {
                    var removed = AccessMapFile.Remove(step.MapPath!, step.MapLines, journalId);
                    if (step.MapType != "texthash")
                    {
                        instance.Postmap($"{step.MapType}:{step.MapPath}");
                    }
                    record.Note = $"{removed} of {step.MapLines.Count} lines removed from {step.MapPath}";
                    break;
                }
            case StepKind.Postconf:
                {
                    var now = instance.PostconfExplicit(step.Parameter!);
                    if (now != step.NewValue)
                    {
                        record.Status = "undo_skipped";
                        record.Note = $"{step.Parameter} was changed since ({now}); not restored, it was '{step.OldValue ?? "(default)"}'";
                        break;
                    }
                    if (step.OldValue is null)
                    {
                        instance.PostconfRemove(step.Parameter!);
                    }
                    else
                    {
                        instance.PostconfSet(step.Parameter!, step.OldValue);
                    }
                    record.Before = now;
                    record.After = instance.PostconfExplicit(step.Parameter!);
                    break;
                }
            case StepKind.ServiceOverride:
                {
                    var now = MasterCfOverrides.Get(instance, step.Parameter!);
                    if (now != step.NewValue)
                    {
                        record.Status = "undo_skipped";
                        record.Note = $"{step.Parameter} was changed since ({now}); not restored, it was '{step.OldValue}'";
                        break;
                    }
                    // postconf -P takes no whitespace: the same list, comma-separated.
                    MasterCfOverrides.Set(instance, step.Parameter!, MasterCfOverrides.CommaList(step.OldValue ?? ""));
                    record.Before = now;
                    record.After = MasterCfOverrides.Get(instance, step.Parameter!);
                    break;
                }
            case StepKind.PolicyBlock:
                RunChecked(step.PolicyReleaseCommand);
                break;
        }
    }

    private static string? Current(PostfixInstance instance, PlanStep step) =>
        step.Kind == StepKind.ServiceOverride ? MasterCfOverrides.Get(instance, step.Parameter!) : instance.PostconfExplicit(step.Parameter!);

    private void RunChecked(List<string> command)
    {
        var run = runner.Run(command[0], command.Skip(1).ToList());
        if (run.ExitCode != 0)
        {
            throw new ContainmentException($"{string.Join(' ', command)}: exit {run.ExitCode}: {run.StandardError.Trim()}");
        }
    }

    private JournalRecord Record(string id, int seq, string status, PlanStep step) =>
        new() { JournalId = id, Seq = seq, When = _clock(), Status = status, Step = step, User = _user };
}
