using System.ComponentModel;
using System.Text.Json;
using SpamTrace.Bounces;
using SpamTrace.Bounces.Input;
using SpamTrace.Bounces.LogLink;
using SpamTrace.Bounces.Summary;
using SpamTrace.Bounces.Verdict;
using SpamTrace.Logs;
using SpamTrace.Reports;
using SpamTrace.Reports.Bounces;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>
/// `spamtrace bounce [PATH...]`: reads bounces and complaints, classifies each failed recipient and says whether
/// the bounced message was ours or backscatter. Exit 0 when none is ours, 1 when some are, 2 on bad input.
/// </summary>
public sealed class BounceCommand : Command<BounceCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[PATH]")]
        [Description(".eml files, directories or maildirs, mbox files (gzip too), or - for stdin.")]
        public string[] Paths { get; init; } = [];

        [CommandOption("--hostname <NAME>")]
        [Description("A name our server signs its Received headers with (repeatable). Default: the host that received each bounce.")]
        public string[] Hostnames { get; init; } = [];

        [CommandOption("--domain <DOMAIN>")]
        [Description("A domain we receive mail for (repeatable): bounces of unauthenticated mail to it that we accepted are backscatter.")]
        public string[] Domains { get; init; } = [];

        [CommandOption("--log <LOG>")]
        [Description("Mail log(s) to link each bounce to its chain (queue ID, Message-ID), read as diagnose reads them (repeatable).")]
        public string[] Logs { get; init; } = [];

        [CommandOption("--json")]
        [Description("One JSON object per recipient (NDJSON); schema in docs/bounce-json.md.")]
        public bool Json { get; init; }

        [CommandOption("--top <N>")]
        [Description("Rows per summary table (default 10).")]
        public int Top { get; init; } = 10;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Paths.Length == 0)
        {
            throw new UserFacingException("bounce: name at least one file, directory, mbox or - for stdin");
        }
        var summary = new BounceSummary();
        var reports = new List<BounceReport>();
        using var stdout = Console.OpenStandardOutput();
        using var json = settings.Json ? new Utf8JsonWriter(stdout) : null;
        try
        {
            var server = new OurServer(settings.Hostnames, domains: settings.Domains);
            var read = BounceReader.Read(MailboxReader.Read(settings.Paths), server);
            if (settings.Logs.Length > 0)
            {
                read = LinkToLog(read.ToList(), settings.Logs, cancellationToken).Select(r => BounceJudge.ForgedInbound(r, server));
            }
            foreach (var report in read)
            {
                summary.Add(report);
                if (json is not null)
                {
                    if (report.Recipients.Count == 0)
                    {
                        WriteLine(json, stdout, report, null);
                    }
                    foreach (var r in report.Recipients)
                    {
                        WriteLine(json, stdout, report, r);
                    }
                }
                else if (report.Verdict == BounceVerdict.Ours && reports.Count < settings.Top)
                {
                    reports.Add(report);
                }
            }
        }
        catch (BounceInputException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        if (json is null)
        {
            Render(Consoles.Stdout(), summary, reports, settings.Top);
        }
        return summary.Ours > 0 ? ExitCodes.Found : ExitCodes.Ok;
    }

    private static List<BounceReport> LinkToLog(List<BounceReport> reports, string[] logs, CancellationToken cancellationToken)
    {
        var linker = new BounceLogLinker(reports);
        var stats = ReadingProgress.Run(Consoles.Stderr(), new LogEngineOptions(), o => linker.Run(LogInputs.Resolve(logs), o, cancellationToken));
        LogInputs.ReportErrors(stats);
        return reports.Select(linker.Link).ToList();
    }

    private static void WriteLine(Utf8JsonWriter json, Stream stdout, BounceReport report, BounceRecipient? r)
    {
        BounceJsonWriter.Write(json, report, r);
        json.Flush();
        stdout.WriteByte((byte)'\n');
        json.Reset();
    }

    private static void Render(IAnsiConsole console, BounceSummary summary, List<BounceReport> ours, int top)
    {
        console.WriteLine(TerminalText.Escape(summary.Headline()));
        Table("reason", summary.ByReason, console, top);
        Table("receiving provider", summary.ByProvider, console, top);
        Table("origin of our bounces", summary.OursByOrigin, console, top);
        Table("day", summary.ByDay, console, top);
        if (ours.Count > 0)
        {
            var t = new Spectre.Console.Table().AddColumns("bounce", "recipient", "reason", "origin", "queue IDs", "log chain", "message-id");
            foreach (var b in ours)
            {
                var first = b.Recipients.FirstOrDefault();
                t.AddRow(
                    new Text(TerminalText.Escape(b.Source)),
                    new Text(TerminalText.Escape(first?.Address ?? "")),
                    new Text(first?.Reason ?? ""),
                    new Text(TerminalText.Escape(b.Original?.OriginKey ?? "-")),
                    new Text(TerminalText.Escape(string.Join(" ", b.Original?.QueueIds ?? []))),
                    new Text(TerminalText.Escape(b.Log is null ? "-" : string.Join(" -> ", b.Log.QueueIds))),
                    new Text(TerminalText.Escape(b.Original?.MessageId ?? "-")));
            }
            console.Write(t);
        }
    }

    private static void Table(string title, Dictionary<string, int> counts, IAnsiConsole console, int top)
    {
        if (counts.Count == 0)
        {
            return;
        }
        var t = new Spectre.Console.Table().AddColumns(title, "count");
        foreach (var (key, n) in counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top))
        {
            t.AddRow(new Text(TerminalText.Escape(key)), new Text(n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        console.Write(t);
    }
}
