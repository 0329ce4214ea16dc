using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SpamTrace.Audit.Checks;
using SpamTrace.Audit.Config;
using SpamTrace.Audit.Findings;
using SpamTrace.Common;
using SpamTrace.Containment;
using SpamTrace.Queue;
using SpamTrace.Reports;
using SpamTrace.Reports.Audit;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary><c>spamtrace audit</c>: the Postfix configuration audit (findings, relay simulation, fixes through the journal).</summary>
public sealed class AuditCommand : Command<AuditCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--config-dir <DIR>")]
        [Description("A config copied from another server: main.cf and master.cf are read from the files (no postconf, no PHP/amavis/Dovecot of this machine).")]
        public string? ConfigDir { get; init; }

        [CommandOption("-c|--instance <DIR>")]
        [Description("Postfix instance config directory on this machine (repeatable). Default /etc/postfix.")]
        public string[] Instances { get; init; } = [];

        [CommandOption("--json")]
        [Description("Print the report as JSON (docs/audit-json.md).")]
        public bool Json { get; init; }

        [CommandOption("--html <FILE>")]
        [Description("Also write a self-contained HTML report.")]
        public string? Html { get; init; }

        [CommandOption("--fail-on <SEVERITY>")]
        [Description("Exit 1 when a finding is at or above: info, low, medium, high, critical. Default medium.")]
        [DefaultValue("medium")]
        public string FailOn { get; init; } = "medium";

        [CommandOption("--only <ID>")]
        [Description("Report only these finding ids (repeatable; 'relay.' matches a family).")]
        public string[] Only { get; init; } = [];

        [CommandOption("--skip <ID>")]
        [Description("Leave these finding ids out (repeatable).")]
        public string[] Skip { get; init; } = [];

        [CommandOption("--fix <ID>")]
        [Description("Plan the postconf -e fixes of these findings (repeatable): a dry run unless --apply.")]
        public string[] Fix { get; init; } = [];

        [CommandOption("--apply")]
        [Description("Make the --fix changes through the journal, then postfix check and postfix reload.")]
        public bool Apply { get; init; }

        [CommandOption("--undo [ID]")]
        [Description("Undo applied fixes by journal ID (default: the latest not undone).")]
        public FlagValue<string>? Undo { get; init; }

        [CommandOption("--state-dir <DIR>")]
        [Description("Journal directory. Default: /var/lib/spamtrace/journal (or $SPAMTRACE_STATE_DIR/journal).")]
        public string? StateDirectory { get; init; }

        public override ValidationResult Validate() =>
            AuditSeverities.Parse(FailOn) is null ? ValidationResult.Error($"--fail-on {FailOn}: must be info, low, medium, high or critical")
            : ConfigDir is not null && Instances.Length > 0 ? ValidationResult.Error("--config-dir and -c exclude each other")
            : Apply && Fix.Length == 0 ? ValidationResult.Error("--apply needs --fix ID (which findings to fix)")
            : ConfigDir is not null && (Apply || Undo is { IsSet: true }) ? ValidationResult.Error("--apply and --undo act on a live instance (-c DIR), not on --config-dir")
            : Fix.Length > 0 && Instances.Length > 1 ? ValidationResult.Error("--fix works on one instance at a time")
            : ValidationResult.Success();
    }

    /// <summary>The process runner for postconf and postfix; tests substitute a fake.</summary>
    internal static Func<IProcessRunner> Runner { get; set; } = () => new ProcessRunner();

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var unknown = context.Remaining.Parsed.Select(p => p.Key).Concat(context.Remaining.Raw).ToList();
        if (unknown.Count > 0)
        {
            throw new UserFacingException($"unknown option or argument: {string.Join(" ", unknown)} (spamtrace audit --help)");
        }
        var failOn = AuditSeverities.Parse(settings.FailOn)!.Value;
        var runner = Runner();
        var journal = new ContainmentJournal(JournalDirectory(settings.StateDirectory));
        var executor = new ContainmentExecutor(runner, journal);
        try
        {
            if (settings.Undo is { IsSet: true } undo)
            {
                return RunUndo(executor, undo.Value);
            }
            var watch = Stopwatch.StartNew();
            var parts = new List<(string? Instance, AuditReport Part)>();
            var fixes = new List<(string? Instance, List<AppliableFix> Fixes)>();
            var subjects = new List<string>();
            foreach (var (dir, instance, live) in Targets(settings))
            {
                PostfixConfig config;
                try
                {
                    config = new PostfixConfigLoader(live ? runner : null).Load(dir);
                }
                catch (ConfigException ex)
                {
                    throw new UserFacingException(ex.Message);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new UserFacingException($"{dir}: {ex.Message}");
                }
                subjects.Add($"{dir} ({config.Source})");
                var ctx = new AuditContext(config, new LocalAuditHost(dir, machine: live), instance);
                var part = new AuditReport();
                fixes.Add((instance, ConfigAudit.AddTo(part, ctx)));
                parts.Add((instance, part));
            }
            var report = new AuditReport { Subject = string.Join("; ", subjects) };
            foreach (var (instance, part) in parts)
            {
                // Findings stay the same objects (--fix finds its changes by them); only sections get the instance in their title.
                report.Findings.AddRange(part.Findings);
                report.Sections.AddRange(part.Sections.Select(s => instance is null ? s : s with { Title = $"{s.Title} ({instance})" }));
            }
            report.Filter(settings.Only, settings.Skip);
            watch.Stop();
            report.Elapsed = watch.Elapsed;
            report.Notes.Add($"audited in {watch.Elapsed.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s");
            if (settings.Fix.Length > 0)
            {
                return RunFixes(settings, executor, runner, fixes.Single(), report);
            }
            Output(settings, report, failOn);
            return report.ExitCode(failOn);
        }
        catch (ContainmentException ex)
        {
            throw new UserFacingException("audit: " + ex.Message);
        }
    }

    private static void Output(Settings settings, AuditReport report, AuditSeverity failOn)
    {
        if (settings.Html is not null)
        {
            try
            {
                AtomicFile.Write(settings.Html, AuditHtmlWriter.Render(report));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"{settings.Html}: cannot write the HTML report: {ex.Message}");
            }
        }
        if (settings.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            AuditJsonWriter.Write(stdout, report, failOn);
        }
        else
        {
            new AuditTerminalRenderer(Consoles.Stdout()).Render(report);
        }
    }

    private static IEnumerable<(string Dir, string? Instance, bool Live)> Targets(Settings settings)
    {
        if (settings.ConfigDir is not null)
        {
            if (!Directory.Exists(settings.ConfigDir))
            {
                throw new UserFacingException($"{settings.ConfigDir}: no such directory");
            }
            return [(settings.ConfigDir, null, false)];
        }
        if (settings.Instances.Length == 0)
        {
            return [(AuditDnsCommand.DefaultConfigDirectory, null, true)];
        }
        return settings.Instances.Select(d => (d, (string?)d, true));
    }

    private static int RunFixes(Settings settings, ContainmentExecutor executor, IProcessRunner runner, (string? Instance, List<AppliableFix> Fixes) target, AuditReport report)
    {
        var shown = target.Fixes.Where(f => report.Findings.Contains(f.Finding)).ToList();
        var unknown = settings.Fix.Where(id => !shown.Any(f => AuditReport.Matches(f.Finding.Id, id))).ToList();
        if (unknown.Count > 0)
        {
            throw new UserFacingException($"--fix {string.Join(" ", unknown)}: no such finding on this configuration (spamtrace audit lists them)");
        }
        var (plan, skipped) = AuditFixes.Plan(shown, settings.Fix, target.Instance);
        var console = Consoles.Stdout();
        if (!settings.Apply)
        {
            console.MarkupLine("[bold]Dry run[/]: nothing changed; add --apply to make these changes (journaled, --undo restores).");
            foreach (var step in plan.Steps)
            {
                console.WriteLine($"  {TerminalText.Escape(step.Commands[0])}");
            }
            if (plan.Steps.Count > 0)
            {
                console.WriteLine("  postfix check && postfix reload");
            }
            foreach (var s in skipped)
            {
                console.WriteLine($"  {TerminalText.Escape(s)}");
            }
            return ExitCodes.Ok;
        }
        var result = AuditFixes.Apply(executor, runner, plan, target.Instance, skipped);
        foreach (var r in result.Records)
        {
            console.WriteLine(TerminalText.Escape($"  {r.Status,-12} {r.Step.Description}{(r.Before is null && r.After is null ? "" : $": '{r.Before ?? "(default)"}' -> '{r.After ?? "(default)"}'")}{(r.Note is null ? "" : " (" + r.Note + ")")}"));
        }
        if (result.CheckError is not null)
        {
            console.WriteLine(TerminalText.Escape($"{result.CheckError}: changes undone, Postfix not reloaded"));
        }
        foreach (var s in skipped)
        {
            console.WriteLine(TerminalText.Escape($"  {s}"));
        }
        if (result.JournalId is not null)
        {
            console.WriteLine(TerminalText.Escape($"journal {result.JournalId} in {executor.Journal.Directory}: spamtrace audit --undo {result.JournalId}"));
        }
        return result.CheckPassed && result.Records.All(r => r.Status != "failed") ? ExitCodes.Ok : ExitCodes.Found;
    }

    private static int RunUndo(ContainmentExecutor executor, string? id)
    {
        id = string.IsNullOrEmpty(id) ? executor.Journal.LatestUndoable() : id;
        if (id is null)
        {
            throw new UserFacingException($"audit --undo: nothing to undo in {executor.Journal.Directory}");
        }
        var results = executor.Undo(id);
        var console = Consoles.Stdout();
        foreach (var r in results)
        {
            console.WriteLine(TerminalText.Escape($"  {r.Status,-12} {r.Step.Description}{(r.Note is null ? "" : " (" + r.Note + ")")}"));
        }
        return results.Any(r => r.Status == "undo_failed") ? ExitCodes.Found : ExitCodes.Ok;
    }

    internal static string JournalDirectory(string? stateDirectory) =>
        stateDirectory is not null ? stateDirectory
        : Environment.GetEnvironmentVariable("SPAMTRACE_STATE_DIR") is { Length: > 0 } env ? Path.Combine(env, "journal")
        : ContainmentJournal.DefaultDirectory;
}
