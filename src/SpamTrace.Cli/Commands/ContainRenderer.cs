using SpamTrace.Containment;
using SpamTrace.Reports;
using Spectre.Console;

namespace SpamTrace.Cli.Commands;

/// <summary>Terminal output of `spamtrace contain`: queue content is attacker controlled, so only Text, never markup.</summary>
internal static class ContainRenderer
{
    public static void Plan(IAnsiConsole console, ContainmentPlan plan, bool dryRun)
    {
        if (plan.Selections.Count > 0)
        {
            var table = new Table().Title("selection").AddColumns("instance", "selector", "listed", "selected", "recipients", "left alone");
            foreach (var s in plan.Selections)
            {
                var alone = new List<string>();
                if (s.AlreadyInState > 0) { alone.Add($"{s.AlreadyInState} already in that state"); }
                if (s.MixedRecipientsSkipped > 0) { alone.Add($"{s.MixedRecipientsSkipped} with other recipients too"); }
                if (s.LeftQueueWhileReading > 0) { alone.Add($"{s.LeftQueueWhileReading} left the queue while reading"); }
                if (s.RequestedIdsNotInQueue > 0) { alone.Add($"{s.RequestedIdsNotInQueue} listed IDs not in the queue"); }
                table.AddRow(new Text(s.Instance), new Text(s.Selector), new Text($"{s.Listed:N0}"), new Text($"{s.Selected:N0}"),
                    new Text($"{s.SelectedRecipients:N0}"), new Text(alone.Count == 0 ? "-" : string.Join(", ", alone)));
            }
            console.Write(table);
        }
        if (plan.Steps.Count == 0 && dryRun)
        {
            console.Write(new Text("Nothing to do: no queued message matches and no block is needed.\n", new Style(Color.Green)));
        }
        var n = 0;
        foreach (var step in plan.Steps)
        {
            n++;
            console.Write(new Text($"{n}. {step.Description}\n", new Style(decoration: Decoration.Bold)));
            foreach (var command in step.Commands) { CodeLine.Write(console, command, "     "); }
            foreach (var warning in step.Warnings) { console.Write(new Text($"     ! {warning}\n", new Style(Color.Yellow))); }
        }
        foreach (var warning in plan.Warnings) { console.Write(new Text($"! {warning}\n", new Style(Color.Yellow))); }
        foreach (var advice in plan.Advice.Distinct()) { console.Write(new Text($"next: {advice}\n")); }
        if (dryRun && plan.Steps.Count > 0)
        {
            console.Write(new Text("Dry run: nothing was changed. Add --apply to execute (every step is journaled; --undo restores).\n", new Style(Color.Aqua)));
        }
    }

    public static void Applied(IAnsiConsole console, ContainmentPlan plan, string journalId, List<JournalRecord> results, ContainmentJournal journal)
    {
        Plan(console, new ContainmentPlan { Selections = plan.Selections, Warnings = plan.Warnings, Advice = plan.Advice }, dryRun: false);
        foreach (var r in results)
        {
            console.Write(new Text($"{r.Seq}. {r.Status}: {r.Step.Description}{Detail(r)}\n", r.Status == "failed" ? new Style(Color.Red) : Style.Plain));
        }
        console.Write(new Text($"Journal {journalId} ({journal.PathOf(journalId)}). Undo: spamtrace contain --undo {journalId}" +
                               (journal.Directory == ContainmentJournal.DefaultDirectory ? "" : $" --state-dir {journal.Directory}") + "\n", new Style(Color.Aqua)));
    }

    public static void Undone(IAnsiConsole console, string journalId, List<JournalRecord> results)
    {
        if (results.Count == 0)
        {
            console.Write(new Text($"Journal {journalId}: nothing left to undo.\n"));
        }
        foreach (var r in results)
        {
            console.Write(new Text($"{r.Status}: {r.Step.Description}{Detail(r)}\n", r.Status == "undo_failed" ? new Style(Color.Red) : Style.Plain));
        }
    }

    private static string Detail(JournalRecord r)
    {
        var parts = new List<string>();
        if (r.Touched is { } t) { parts.Add($"{t.Count} done"); }
        if (r.Gone is { Count: > 0 } g) { parts.Add($"{g.Count} had left the queue"); }
        if (r.Untouched is { Count: > 0 } u) { parts.Add($"{u.Count} not changed"); }
        if (r.Note is { } note) { parts.Add(note); }
        return parts.Count == 0 ? "" : " (" + string.Join("; ", parts) + ")";
    }
}
