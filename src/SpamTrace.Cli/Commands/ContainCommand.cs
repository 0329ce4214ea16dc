using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using SpamTrace.Containment;
using SpamTrace.Queue;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>
/// <c>spamtrace contain</c>: hold (or release, requeue, delete) exactly the mail of a culprit and block it from
/// sending more, as a dry-run plan by default; --apply executes and journals, --undo restores.
/// </summary>
public sealed class ContainCommand : Command<ContainCommand.Settings>
{
    public sealed class Settings : InstanceSettings
    {
        [CommandOption("--from-diagnose <FILE>")]
        [Description("Contain the culprits of a `spamtrace diagnose --json` report.")]
        public string? FromDiagnose { get; init; }

        [CommandOption("--sasl-user <USER>")]
        [Description("Mail submitted by this SASL login (repeatable). Also blocks the login unless --queue-only.")]
        public string[] SaslUsers { get; init; } = [];

        [CommandOption("--sender <ADDRESS>")]
        [Description("Envelope sender: exact address, @domain, or <> for bounces (repeatable).")]
        public string[] Senders { get; init; } = [];

        [CommandOption("--uid <UID|USER>")]
        [Description("Mail submitted locally (sendmail, PHP mail()) by this uid or user (repeatable). Also stops it submitting unless --queue-only.")]
        public string[] Uids { get; init; } = [];

        [CommandOption("--client <IP>")]
        [Description("Mail received from this SMTP client address (repeatable).")]
        public string[] Clients { get; init; } = [];

        [CommandOption("--recipient-domain <DOMAIN>")]
        [Description("Narrow to messages whose recipients are all in this domain (repeatable).")]
        public string[] RecipientDomains { get; init; } = [];

        [CommandOption("--since <TIME>")]
        [Description("Narrow to mail that arrived since TIME: 2h, 30m, 1d or an ISO date/time.")]
        public string? Since { get; init; }

        [CommandOption("--queue-ids <FILE>")]
        [Description("Only these queue IDs, one per line (- for stdin); each must still match the other selectors.")]
        public string? QueueIds { get; init; }

        [CommandOption("--delete")]
        [Description("Delete the selected mail instead of holding it (cannot be undone; needs --apply too).")]
        public bool Delete { get; init; }

        [CommandOption("--release")]
        [Description("Release the selected held mail.")]
        public bool Release { get; init; }

        [CommandOption("--requeue")]
        [Description("Requeue the selected mail (postsuper -r).")]
        public bool Requeue { get; init; }

        [CommandOption("--queue-only")]
        [Description("Act on the queue only: no login block, no authorized_submit_users change, no relay change.")]
        public bool QueueOnly { get; init; }

        [CommandOption("--no-queue")]
        [Description("Blocks only: leave queued mail alone.")]
        public bool NoQueue { get; init; }

        [CommandOption("--block-sender")]
        [Description("Also reject the --sender addresses with a check_sender_access entry.")]
        public bool BlockSender { get; init; }

        [CommandOption("--close-relay")]
        [Description("Also close an open relay: mynetworks and smtpd_relay_restrictions to the values shown.")]
        public bool CloseRelay { get; init; }

        [CommandOption("--mynetworks <VALUE>")]
        [Description("The mynetworks value used to close an open relay. Default: 127.0.0.0/8 [[::1]]/128.")]
        public string? MyNetworks { get; init; }

        [CommandOption("--no-policy")]
        [Description("Do not look for a running `spamtrace policy` service to block logins in.")]
        public bool NoPolicy { get; init; }

        [CommandOption("--policy-config <FILE>")]
        [Description("The policy service's config, to block logins in its block list too when it runs. Default: /etc/spamtrace/policy.json.")]
        public string PolicyConfig { get; init; } = PolicySettings.DefaultConfig;

        [CommandOption("--log <FILE>")]
        [Description("Mail log(s) giving the SASL login/uid of content-filter re-injected copies. Default: maillog_file, else /var/log/mail.log or /var/log/maillog.")]
        public string[] Logs { get; init; } = [];

        [CommandOption("--no-log")]
        [Description("Read no mail log: logins and uids from queue files only.")]
        public bool NoLog { get; init; }

        [CommandOption("--apply")]
        [Description("Execute the plan (default: print it and change nothing).")]
        public bool Apply { get; init; }

        [CommandOption("--undo [ID]")]
        [Description("Undo an applied plan by journal ID (default: the latest one not undone).")]
        public FlagValue<string>? Undo { get; init; }

        [CommandOption("--state-dir <DIR>")]
        [Description("Journal directory. Default: /var/lib/spamtrace/journal (or $SPAMTRACE_STATE_DIR/journal).")]
        public string? StateDirectory { get; init; }

        [CommandOption("--json")]
        [Description("Print the plan (with every queue ID) or the results as JSON.")]
        public bool Json { get; init; }

        public override ValidationResult Validate()
        {
            if (new[] { Delete, Release, Requeue, NoQueue }.Count(x => x) > 1)
            {
                return ValidationResult.Error("choose one of --delete, --release, --requeue, --no-queue");
            }
            var explicitSelectors = SaslUsers.Length + Senders.Length + Uids.Length + Clients.Length + (QueueIds is null ? 0 : 1);
            if (FromDiagnose is not null && explicitSelectors > 0)
            {
                return ValidationResult.Error("--from-diagnose and explicit selectors (--sasl-user, --sender, --uid, --client, --queue-ids) exclude each other");
            }
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            var runner = new ProcessRunner();
            var journal = new ContainmentJournal(JournalDirectory(settings));
            var executor = new ContainmentExecutor(runner, journal);
            if (settings.Undo is { IsSet: true } undo)
            {
                return RunUndo(executor, undo.Value, settings.Json);
            }
            var instances = QueueCommand.Instances(settings.ConfigDirectories);
            var request = BuildRequest(settings, runner);
            var logs = request.Targets.Any(t => t.Selector.NeedsQueueFiles) ? QueueCommand.LoadLogs(settings.Logs, settings.NoLog, instances) : null;
            var plan = new ContainmentPlanner(instances, logs).Build(request);
            if (!settings.Apply)
            {
                if (settings.Json) { Console.Out.WriteLine(JsonSerializer.Serialize(plan, JsonOutput.Options)); }
                else { ContainRenderer.Plan(AnsiConsole.Console, plan, dryRun: true); }
                return ExitCodes.Ok;
            }
            if (plan.Steps.Count == 0)
            {
                if (settings.Json) { Console.Out.WriteLine(JsonSerializer.Serialize(plan, JsonOutput.Options)); }
                else { ContainRenderer.Plan(AnsiConsole.Console, plan, dryRun: true); }
                return ExitCodes.Ok;
            }
            var (id, results) = executor.Apply(plan);
            if (settings.Json) { Console.Out.WriteLine(JsonSerializer.Serialize(new { journal_id = id, plan, results }, JsonOutput.Options)); }
            else { ContainRenderer.Applied(AnsiConsole.Console, plan, id, results, journal); }
            return results.Any(r => r.Status == "failed") ? ExitCodes.Found : ExitCodes.Ok;
        }
        catch (ContainmentException ex)
        {
            throw new UserFacingException("contain: " + ex.Message);
        }
    }

    private static int RunUndo(ContainmentExecutor executor, string? id, bool json)
    {
        id = string.IsNullOrEmpty(id) ? executor.Journal.LatestUndoable() : id;
        if (id is null)
        {
            throw new UserFacingException($"contain --undo: nothing to undo in {executor.Journal.Directory}");
        }
        var results = executor.Undo(id);
        if (json) { Console.Out.WriteLine(JsonSerializer.Serialize(new { journal_id = id, results }, JsonOutput.Options)); }
        else { ContainRenderer.Undone(AnsiConsole.Console, id, results); }
        return results.Any(r => r.Status == "undo_failed") ? ExitCodes.Found : ExitCodes.Ok;
    }

    internal static string JournalDirectory(Settings settings) =>
        settings.StateDirectory is { } dir ? Path.GetFullPath(dir)
        : Environment.GetEnvironmentVariable("SPAMTRACE_STATE_DIR") is { Length: > 0 } env ? Path.Combine(env, "journal")
        : ContainmentJournal.DefaultDirectory;

    internal static ContainmentRequest BuildRequest(Settings settings, IProcessRunner runner)
    {
        var since = settings.Since is null ? (DateTimeOffset?)null : ParseSince(settings.Since, DateTimeOffset.Now);
        var request = new ContainmentRequest
        {
            Action = settings.Delete ? QueueAction.Delete : settings.Release ? QueueAction.Release
                : settings.Requeue ? QueueAction.Requeue : settings.NoQueue ? QueueAction.None : QueueAction.Hold,
            UserName = SystemUsers.NameOf,
        };
        if (settings.MyNetworks is { } networks) { request.ClosedMyNetworks = networks; }
        if (settings.FromDiagnose is { } file)
        {
            string text;
            try { text = file == "-" ? Console.In.ReadToEnd() : File.ReadAllText(file); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UserFacingException($"{file}: {ex.Message}"); }
            foreach (var culprit in DiagnoseVerdictReader.Read(text, file))
            {
                AddCulprit(request, culprit, settings, since);
            }
        }
        else
        {
            request.Targets.Add(new ContainmentTarget
            {
                Label = "selection",
                Selector = new QueueSelector
                {
                    SaslUsers = [.. settings.SaslUsers],
                    Senders = [.. settings.Senders],
                    Uids = settings.Uids.Select(ParseUid).ToList(),
                    Clients = [.. settings.Clients],
                    RecipientDomains = [.. settings.RecipientDomains],
                    Since = since,
                    QueueIds = settings.QueueIds is null ? null : ReadQueueIds(settings.QueueIds),
                },
                BlockLogins = !settings.QueueOnly,
                StopLocalSubmission = !settings.QueueOnly,
                BlockSenders = settings.BlockSender && !settings.QueueOnly,
                CloseRelay = settings.CloseRelay && !settings.QueueOnly,
            });
        }
        if (!settings.NoPolicy && !settings.QueueOnly && request.Targets.Any(t => t.BlockLogins && t.Selector.SaslUsers.Count > 0))
        {
            request.Policy = PolicyServiceProbe.Find(runner, settings.PolicyConfig);
        }
        return request;
    }

    private static void AddCulprit(ContainmentRequest request, Culprit culprit, Settings settings, DateTimeOffset? since)
    {
        if (culprit.Kind == "relay" && culprit.Key == SpamTrace.Forensics.OriginId.OtherClients)
        {
            request.Advice.Add($"relay:{culprit.Key}: more relaying clients than diagnose follows one by one; their queued mail is not selected here: close the relay (smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination) and hold by sender or client IP");
            return;
        }
        var selector = culprit.Kind switch
        {
            "sasl" => new QueueSelector { SaslUsers = [culprit.Key] },
            "local" => new QueueSelector { Uids = [ParseUid(culprit.Key)] },
            "relay" => new QueueSelector { Clients = [culprit.Key] },
            "bounce" => new QueueSelector { Senders = ["<>"] },
            _ => null,
        };
        if (selector is null)
        {
            request.Advice.Add($"forward culprit{(culprit.Key.Length > 0 ? " " + culprit.Key : "")}: forwarded mail cannot be selected by origin; review the aliases/.forward files that send it out, and reject spam before forwarding");
            return;
        }
        request.Targets.Add(new ContainmentTarget
        {
            Label = $"{culprit.Kind}:{culprit.Key}",
            Selector = new QueueSelector
            {
                SaslUsers = selector.SaslUsers,
                Uids = selector.Uids,
                Clients = selector.Clients,
                Senders = selector.Senders,
                RecipientDomains = [.. settings.RecipientDomains],
                Since = since,
            },
            BlockLogins = culprit.Kind == "sasl" && !settings.QueueOnly,
            StopLocalSubmission = culprit.Kind == "local" && !settings.QueueOnly,
            CloseRelay = culprit.Kind == "relay" && !settings.QueueOnly,
        });
        if (culprit.Kind == "bounce")
        {
            request.Advice.Add("backscatter: reject unknown recipients at SMTP time (smtpd_reject_unlisted_recipient = yes with complete relay_recipient_maps/virtual_mailbox_maps) instead of bouncing to forged senders");
        }
    }

    private static int ParseUid(string value)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var uid)) { return uid; }
        return SystemUsers.UidOf(value) ?? throw new UserFacingException($"--uid '{value}': no such user here");
    }

    internal static DateTimeOffset ParseSince(string value, DateTimeOffset now)
    {
        if (value.Length >= 2 && double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount >= 0)
        {
            switch (value[^1])
            {
                case 'm': return now.AddMinutes(-amount);
                case 'h': return now.AddHours(-amount);
                case 'd': return now.AddDays(-amount);
            }
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at)) { return at; }
        throw new UserFacingException($"--since '{value}': expected 30m, 2h, 1d or a date/time such as 2026-11-28T22:00");
    }

    private static HashSet<string> ReadQueueIds(string source)
    {
        IEnumerable<string> lines;
        try { lines = source == "-" ? Console.In.ReadToEnd().Split('\n') : File.ReadAllLines(source); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UserFacingException($"{source}: {ex.Message}"); }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') { continue; }
            var id = line.Split([' ', '\t'], 2)[0].TrimEnd('*', '!');
            if (!PostfixInstance.IsQueueId(id))
            {
                throw new UserFacingException($"{source}:{number}: '{id}' is not a queue ID");
            }
            ids.Add(id);
        }
        return ids;
    }
}

/// <summary>
/// Finds the `spamtrace policy` service (another command of this program) to block logins in too: its config must
/// exist and `policy status` must answer (exit 0, or 1 when it already contains accounts; 2 is an error).
/// </summary>
internal static class PolicyServiceProbe
{
    public static PolicyServiceCommands? Find(IProcessRunner runner, string configFile)
    {
        var self = Environment.ProcessPath;
        if (self is null || !File.Exists(configFile)) { return null; }
        var prefix = Path.GetFileNameWithoutExtension(self) == "dotnet" ? new[] { Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll") } : [];
        var commands = new PolicyServiceCommands(self, prefix, configFile);
        try
        {
            var status = runner.Run(self, [.. prefix, "policy", "status", "-c", configFile]);
            return status.ExitCode is 0 or 1 ? commands : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
