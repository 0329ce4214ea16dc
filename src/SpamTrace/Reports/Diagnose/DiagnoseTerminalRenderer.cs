using System.Globalization;
using SpamTrace.Forensics;
using Spectre.Console;

namespace SpamTrace.Reports.Diagnose;

/// <summary>One screen for the admin at 3 a.m.: the verdict first, then evidence, a timeline per culprit, and the commands.</summary>
public sealed class DiagnoseTerminalRenderer(IAnsiConsole console)
{
    private static readonly char[] Blocks = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    private const int MaxVerdictLines = 5;

    public void Render(DiagnoseRun run)
    {
        var d = run.Diagnosis;
        var culprits = d.Culprits.ToList();
        if (culprits.Count == 0)
        {
            console.Write(new Panel(new Markup("[green bold]No outbound spam found.[/]")) { Border = BoxBorder.Heavy, BorderStyle = new Style(Color.Green) });
        }
        else
        {
            // The verdict fits one 80x24 screen: the first culprits, then a count; the details follow.
            var lines = culprits.Take(MaxVerdictLines).Select(c => $"[bold]{E(c.Label)}[/]: {E(c.Verdict)}, since {T(c.SinceUtc)}, {c.Stats.ExternalRecipients} recipients (score {c.Score})").ToList();
            if (culprits.Count > MaxVerdictLines)
            {
                lines.Add($"… and {culprits.Count - MaxVerdictLines} more: each is detailed below");
            }
            var header = $"[red bold]OUTBOUND SPAM: {culprits.Count} culprit{(culprits.Count > 1 ? "s" : "")}[/]";
            console.Write(new Panel(new Markup(header + "\n" + string.Join("\n", lines))) { Border = BoxBorder.Heavy, BorderStyle = new Style(Color.Red) });
        }
        if (run.SourceNote is { } note)
        {
            console.MarkupLine($"[yellow]{E(note)}[/]");
        }
        console.MarkupLine($"[dim]log {T(d.FirstSeenUtc)} to {T(d.LastSeenUtc)}: {d.Chains} messages, {d.OutboundMessages} outbound to {d.RemoteRecipients} remote recipients, {d.AuthFailures} failed logins, {d.RelayDenied} relay attempts refused[/]");
        console.MarkupLine($"[dim]outbound  {Spark(d.OutboundTimeline)}[/]");
        if (d.OwnDomains.Count > 0)
        {
            var own = string.Join(", ", d.OwnDomains.Keys.Order(StringComparer.Ordinal).Take(8)) + (d.OwnDomains.Count > 8 ? $" … ({d.OwnDomains.Count})" : "");
            console.MarkupLine($"[dim]our domains ({E(d.ServerSource ?? "learned from the log")}): {E(own)}; mail to them is inbound ({d.InboundMessages} messages from origins that wrote only to them)[/]");
        }

        var i = 0;
        foreach (var c in culprits)
        {
            i++;
            console.WriteLine();
            console.Write(new Rule($"[red]{i}. {E(c.Label)}[/] [dim]{E(c.Verdict)}[/]") { Justification = Justify.Left });
            var s = c.Stats;
            var queued = c.Queued is { } q ? $", [bold]{q}[/] still queued" : "";
            console.MarkupLine($"  {s.Messages} messages, {s.ExternalRecipients} recipients: {s.Sent} delivered, {s.DeferredOnce} deferred, {s.Bounced + s.Expired} bounced{queued}");
            console.MarkupLine($"  timeline  {Spark(c.Timeline)}  [dim]{(c.Burst ? "burst from " : "first seen ")}{T(c.SinceUtc)}[/]");
            console.MarkupLine("  [bold]evidence[/] (score " + c.Score + ")");
            foreach (var e in c.Evidence)
            {
                console.MarkupLine($"   [dim]+{e.Points,2}[/] {E(e.Text)}");
            }
            if (s.Scripts.Counts.Count > 0)
            {
                console.MarkupLine($"  [bold]scripts[/]  {E(string.Join(", ", s.Scripts.Top(5).Select(p => $"{p.Key} ({p.Value})")))}");
            }
            if (c.Id.Kind == CulpritKind.Sasl && s.ClientIps.Count > 0)
            {
                console.MarkupLine($"  [bold]client IPs[/]  {E(string.Join(", ", s.ClientIps.Items.Order(StringComparer.Ordinal).Take(8)))}{(s.ClientIps.Count > 8 ? $" … ({s.ClientIps.CountText})" : "")}");
            }
            console.MarkupLine("  [bold]what to do[/]");
            var n = 0;
            foreach (var step in c.Actions)
            {
                n++;
                console.MarkupLine($"   {n}. {E(step.Title)}");
                if (step.Command is not null)
                {
                    CodeLine.Write(console, step.Command, "      ", new Style(Color.Aqua));
                }
                if (step.Note is not null)
                {
                    console.MarkupLine($"      [dim]{E(step.Note)}[/]");
                }
            }
        }

        if (d.Providers.Count > 0)
        {
            console.WriteLine();
            var table = new Table { Title = new TableTitle("Who blocks us") }.AddColumns("provider", "class", "rules", "refusals", "of outbound", "since");
            foreach (var p in d.Providers.Take(10))
            {
                table.AddRow(E(p.Provider), E(p.Class.ToString().ToLowerInvariant()), E(string.Join(", ", p.Rules)), p.Refusals.ToString(CultureInfo.InvariantCulture),
                    Detector.Pct(p.ShareOfOutbound), T(p.FirstUtc));
            }
            console.Write(table);
            foreach (var p in d.Providers.Take(10).Where(p => p.Advice is not null))
            {
                console.MarkupLine($"  [bold]{E(p.Provider)}[/]: {E(p.Advice)}{(p.Link is null ? "" : $" [dim]{E(p.Link)}[/]")}");
            }
        }

        var others = d.Origins.Where(o => !o.IsCulprit).Take(8).ToList();
        if (others.Count > 0)
        {
            console.WriteLine();
            var table = new Table { Title = new TableTitle(culprits.Count == 0 ? "Origins of outbound mail" : "Other origins (not accused)") }
                .AddColumns("origin", "score", "messages", "recipients", "deferred", "bounced", "IPs");
            foreach (var o in others)
            {
                table.AddRow(E(o.Label), o.Score.ToString(CultureInfo.InvariantCulture), o.Stats.Messages.ToString(CultureInfo.InvariantCulture),
                    o.Stats.ExternalRecipients.ToString(CultureInfo.InvariantCulture), Detector.Pct(o.Stats.DeferralRate), Detector.Pct(o.Stats.BounceRate), o.Stats.ClientIps.CountText);
            }
            console.Write(table);
        }
        console.MarkupLine($"[dim]rule: {E(Detector.CulpritRule)}[/]");
        foreach (var remark in d.Notes)
        {
            console.MarkupLine($"[dim]note: {E(remark)}[/]");
        }
        if (run.Statistics is { } st && (st.Errors.Count > 0 || st.UnknownLines > 0))
        {
            console.MarkupLine($"[dim]{st.Lines} lines read, {st.UnknownLines} not recognised, {st.Errors.Count} input errors[/]");
            foreach (var e in st.Errors.Take(5))
            {
                console.MarkupLine($"[yellow]input: {E(e.ToString())}[/]");
            }
        }
    }

    /// <summary>A one-line sparkline of the bins, squeezed to at most 60 characters.</summary>
    public static string Spark(long[] bins, int width = 60)
    {
        if (bins.Length == 0)
        {
            return "";
        }
        var squeezed = bins;
        if (bins.Length > width)
        {
            squeezed = new long[width];
            for (var i = 0; i < bins.Length; i++)
            {
                squeezed[(long)i * width / bins.Length] += bins[i];
            }
        }
        var max = Math.Max(1, squeezed.Max());
        return new string(squeezed.Select(v => v == 0 ? '·' : Blocks[Math.Max(1, (int)Math.Ceiling(v * 8.0 / max))]).ToArray());
    }

    /// <summary>Log text is attacker-controlled: escape Spectre markup and make terminal control characters visible.</summary>
    private static string E(string? s) => Markup.Escape(TerminalText.Escape(s ?? ""));

    private static string T(DateTime? t) =>
        t is { } v && v != DateTime.MinValue && v != DateTime.MaxValue ? v.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "?";
}
