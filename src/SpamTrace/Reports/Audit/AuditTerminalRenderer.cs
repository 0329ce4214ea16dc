using SpamTrace.Audit.Findings;
using Spectre.Console;

namespace SpamTrace.Reports.Audit;

/// <summary>Findings most severe first, each with its evidence, why and fix, then the tables (relay per service, DNS).</summary>
public sealed class AuditTerminalRenderer(IAnsiConsole console)
{
    public void Render(AuditReport report)
    {
        var findings = report.Sorted().ToList();
        var worst = findings.Count == 0 ? (AuditSeverity?)null : findings[0].Severity;
        var header = worst is null
            ? "[green bold]No findings.[/]"
            : $"[{Colour(worst.Value)} bold]{findings.Count} finding{(findings.Count > 1 ? "s" : "")}[/]: " +
              string.Join(", ", findings.GroupBy(f => f.Severity).Select(g => $"{g.Count()} {AuditSeverities.Name(g.Key)}"));
        console.Write(new Panel(new Markup(header + $"\n[dim]{E(report.Subject)}[/]"))
        {
            Border = BoxBorder.Heavy,
            BorderStyle = new Style(worst is null ? Color.Green : worst >= AuditSeverity.High ? Color.Red : Color.Yellow),
        });
        foreach (var f in findings)
        {
            console.WriteLine();
            var service = f.Service is null ? "" : $" [dim]({E(f.Service)})[/]";
            console.MarkupLine($"[{Colour(f.Severity)} bold]{AuditSeverities.Name(f.Severity).ToUpperInvariant()}[/] [bold]{E(f.Id)}[/]{service}: {E(f.Title)}");
            foreach (var e in f.Evidence)
            {
                console.MarkupLine($"  [dim]at[/] {E(e.ToString())}");
            }
            console.MarkupLine($"  [dim]why[/] {E(f.Why)}");
            foreach (var command in f.Fix)
            {
                console.MarkupLine($"  [dim]fix[/] [cyan]{E(command)}[/]");
            }
            if (f.Note is not null)
            {
                console.MarkupLine($"  [dim]note[/] {E(f.Note)}");
            }
            foreach (var link in f.Links)
            {
                console.MarkupLine($"  [dim]see[/] {E(link)}");
            }
        }
        foreach (var section in report.Sections)
        {
            console.WriteLine();
            console.Write(new Rule($"[bold]{E(section.Title)}[/]") { Justification = Justify.Left });
            var table = new Table { Border = TableBorder.Simple };
            foreach (var c in section.Columns)
            {
                table.AddColumn(new TableColumn(E(c)));
            }
            foreach (var row in section.Rows)
            {
                table.AddRow(row.Select(cell => new Markup(E(cell))).ToArray<Spectre.Console.Rendering.IRenderable>());
            }
            console.Write(table);
            if (section.Note is not null)
            {
                console.MarkupLine($"[dim]{E(section.Note)}[/]");
            }
        }
        foreach (var n in report.Notes)
        {
            console.MarkupLine($"[yellow]{E(n)}[/]");
        }
        if (report.Elapsed is { } elapsed)
        {
            console.MarkupLine($"[dim]audit took {elapsed.TotalMilliseconds:0} ms[/]");
        }
    }

    private static string Colour(AuditSeverity s) => s switch
    {
        AuditSeverity.Critical or AuditSeverity.High => "red",
        AuditSeverity.Medium => "yellow",
        AuditSeverity.Low => "blue",
        _ => "grey",
    };

    /// <summary>Config text is attacker-reachable (a copied config, a hostile HELO in a map): no control characters, no markup.</summary>
    private static string E(string text) => Markup.Escape(TerminalText.Escape(text));
}
