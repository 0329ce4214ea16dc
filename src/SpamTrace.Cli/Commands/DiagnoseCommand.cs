using System.ComponentModel;
using SpamTrace.Forensics;
using SpamTrace.Logs;
using SpamTrace.Logs.Reading;
using SpamTrace.Reports.Diagnose;
using SpamTrace.ServerKnowledge;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>`spamtrace diagnose`: who makes this server send spam, since when, who blocks us, and what to type to stop it.</summary>
public sealed class DiagnoseCommand : Command<DiagnoseCommand.Settings>
{
    public sealed class Settings : JournalInputSettings
    {
        [CommandArgument(0, "[LOG]")]
        [Description("Log files, directories, globs or - for stdin. Default: /var/log/maillog*, /var/log/mail.log*; without any, the bundled sample incident.")]
        public string[] Logs { get; init; } = [];

        [CommandOption("--json")]
        [Description("Print the diagnosis as JSON (schema spamtrace.diagnose/1, docs/diagnose-json.md).")]
        public bool Json { get; init; }

        [CommandOption("--html <FILE>")]
        [Description("Also write a self-contained HTML report to FILE.")]
        public string? Html { get; init; }

        [CommandOption("--since <TIME>")]
        [Description("Only mail from this time on: 2026-03-02, 2026-03-02T20:00 (UTC unless a zone is given), or 6h / 2d ago.")]
        public string? Since { get; init; }

        [CommandOption("--until <TIME>")]
        [Description("Only mail before this time (same forms as --since).")]
        public string? Until { get; init; }

        [CommandOption("--host <HOST>")]
        [Description("Only this syslog host (central log servers hold several).")]
        public string? Host { get; init; }

        [CommandOption("--queue <FILE>")]
        [Description("A `postqueue -j` snapshot: count what each culprit still has waiting in the queue.")]
        public string? Queue { get; init; }

        [CommandOption("--passwd <FILE>")]
        [Description("The log host's /etc/passwd, to name uids of a log from another machine (default: this machine's, for its own logs).")]
        public string? Passwd { get; init; }

        [CommandOption("-c|--config <DIR>")]
        [Description("Read our domains and mynetworks from this Postfix instance (`postconf -c DIR`). Default: this machine's Postfix when diagnosing this machine's logs.")]
        public string? ConfigDir { get; init; }

        [CommandOption("--config-dir <DIR>")]
        [Description("Read our domains and mynetworks from a copied configuration (DIR/main.cf, read directly; no Postfix needed).")]
        public string? CopiedConfigDir { get; init; }

        [CommandOption("--no-config")]
        [Description("Do not read the Postfix configuration: learn our domains from the log alone.")]
        public bool NoConfig { get; init; }

        [CommandOption("--sample")]
        [Description("Run on the bundled sample incident (a real Postfix lab log) instead of this machine's logs.")]
        public bool Sample { get; init; }

        [CommandOption("--keep-going")]
        [Description("When some inputs cannot be read, exit on the verdict of the rest (default: exit 2).")]
        public bool KeepGoing { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var options = new LogEngineOptions
        {
            SinceUtc = TimeArguments.Parse(settings.Since, "--since", now),
            UntilUtc = TimeArguments.Parse(settings.Until, "--until", now),
            Host = settings.Host,
        };
        if (settings.Queue is not null && !File.Exists(settings.Queue))
        {
            throw new UserFacingException($"{settings.Queue}: queue snapshot not found (make one with: postqueue -j > FILE)");
        }

        var (inputs, sourceNote, inputErrors) = Inputs(settings, options.SinceUtc);
        var stderr = Consoles.Stderr();
        foreach (var e in inputErrors)
        {
            stderr.MarkupLine($"[yellow]spamtrace:[/] {Markup.Escape(e.ToString())}");
        }
        if (inputs.Count == 0)
        {
            throw new UserFacingException("diagnose: no log to read");
        }

        var server = ServerFactsFor(settings, sourceNote is null && settings.Logs.Length == 0);
        var uids = settings.Passwd is null ? UidNames.FromSystem() : UidNames.FromFile(settings.Passwd);
        DiagnoseRun run;
        try
        {
            run = ReadingProgress.Run(stderr, options, o => DiagnoseService.Run(inputs, o, uids, settings.Queue, sourceNote, cancellationToken, server));
        }
        catch (InvalidDataException e)
        {
            throw new UserFacingException(e.Message);
        }
        run = run with { Server = LogHosts.Of(inputs), GeneratedUtc = now };
        if (server.Source?.StartsWith("postconf", StringComparison.Ordinal) == true)
        {
            ContainAdvice.UseServerAccessCheck(run.Diagnosis, settings.ConfigDir);
        }
        if (run.Statistics is { } st && st.InputsRead.Count == 0 && st.Errors.Count > 0)
        {
            throw new UserFacingException("diagnose: no input could be read: " + st.Errors[0]);
        }
        if (run.Statistics is { } read && InputChecks.NoMailLines(read) is { } nothing)
        {
            throw new UserFacingException(nothing);
        }
        if (run.Diagnosis is { Chains: 0, AuthFailures: 0, RelayDenied: 0 } && (settings.Since ?? settings.Until ?? settings.Host) is not null)
        {
            throw new UserFacingException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"diagnose: {run.Statistics!.MailLines:N0} mail log lines read, none within --since/--until/--host"));
        }
        var failed = inputErrors.Count + (run.Statistics?.Errors.Count ?? 0);
        if (InputChecks.FailedInputs(failed, inputs.Count + inputErrors.Count) is { } incomplete)
        {
            run = run with { SourceNote = run.SourceNote is null ? incomplete : incomplete + " " + run.SourceNote };
        }

        if (settings.Html is not null)
        {
            try
            {
                File.WriteAllText(settings.Html, DiagnoseHtmlWriter.Render(run));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"{settings.Html}: cannot write the HTML report: {e.Message}");
            }
        }
        if (settings.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            DiagnoseJsonWriter.Write(stdout, run);
            stdout.WriteByte((byte)'\n');
        }
        else
        {
            new DiagnoseTerminalRenderer(AnsiConsole.Console).Render(run);
            if (settings.Html is not null)
            {
                AnsiConsole.MarkupLine($"[dim]HTML report written to {Markup.Escape(settings.Html)}[/]");
            }
        }
        if (failed > 0 && !settings.KeepGoing)
        {
            return ExitCodes.UsageOrInput;
        }
        return run.Diagnosis.SpamFound ? ExitCodes.Found : ExitCodes.Ok;
    }

    /// <summary>
    /// The configuration named by -c or --config-dir; this machine's own when its own logs are read (a log copied from
    /// elsewhere says nothing about this machine's domains); none with --no-config.
    /// </summary>
    private static ServerFacts ServerFactsFor(Settings settings, bool ownLogs)
    {
        if (new[] { settings.ConfigDir is not null, settings.CopiedConfigDir is not null, settings.NoConfig }.Count(x => x) > 1)
        {
            throw new UserFacingException("diagnose: -c, --config-dir and --no-config exclude each other");
        }
        try
        {
            if (settings.ConfigDir is { } dir)
            {
                return PostconfReader.Read(new SpamTrace.Queue.ProcessRunner(), dir);
            }
            if (settings.CopiedConfigDir is { } copy)
            {
                return MainCfReader.Read(copy);
            }
        }
        catch (ServerFactsException e)
        {
            throw new UserFacingException(e.Message);
        }
        return !settings.NoConfig && ownLogs ? PostconfReader.TryLocal(new SpamTrace.Queue.ProcessRunner()) : ServerFacts.None;
    }

    private static (IReadOnlyList<LogInput> Inputs, string? Note, IReadOnlyList<InputError> Errors) Inputs(Settings settings, DateTime? sinceUtc)
    {
        if (settings.Sample)
        {
            return (SampleIncident.Inputs(), SampleIncident.Note, []);
        }
        var sources = LogSources.Resolve(settings.Logs, settings.Journal, settings.JournalDir, sinceUtc);
        if (sources.Inputs.Count == 0 && settings.Logs.Length == 0 && !settings.Journal && settings.JournalDir is null && SampleIncident.Available)
        {
            // The README's main command on a machine without a mail log: show what a diagnosis looks like.
            return (SampleIncident.Inputs(), $"No mail log on this machine ({sources.Tried}): " + SampleIncident.Note, []);
        }
        return (sources.Inputs, null, sources.Errors);
    }
}
