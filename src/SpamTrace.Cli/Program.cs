using SpamTrace.Cli;
using Spectre.Console.Cli;

// Every command's output, piped or not, goes through the same console rules (no wrapping when piped, COLUMNS honoured).
Spectre.Console.AnsiConsole.Console = SpamTrace.Cli.Consoles.Stdout();
var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("spamtrace");
    config.SetApplicationVersion(typeof(Program).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
    config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));
    // A mistyped option must stop the run: without this, "--jsno FILE" swallows FILE and diagnose runs on the sample.
    config.UseStrictParsing();

    // Log engine: follow messages through every daemon.
    config.AddCommand<SpamTrace.Cli.Commands.TraceCommand>("trace")
        .WithDescription("Follow messages by queue ID, Message-ID, address, SASL user or client IP through every Postfix daemon.");

    // Diagnosis: name the source of outbound spam.
    config.AddCommand<SpamTrace.Cli.Commands.DiagnoseCommand>("diagnose")
        .WithDescription("Name the source of outbound spam (stolen login, hacked script, open relay, backscatter), with evidence and the commands that stop it.");

    // Bounces and complaints: whose mail came back, and whether it was ours.
    config.AddCommand<SpamTrace.Cli.Commands.BounceCommand>("bounce")
        .WithDescription("Read bounces and complaints (eml, maildir, mbox, stdin): reason per recipient, ours or backscatter, and who sent it.");

    // Queue and containment.
    config.AddCommand<SpamTrace.Cli.Commands.QueueCommand>("queue")
        .WithDescription("Summarise the Postfix queue(s): senders, SASL users, uids, recipient domains, age, why mail is stuck.");
    config.AddCommand<SpamTrace.Cli.Commands.ContainCommand>("contain")
        .WithDescription("Hold a culprit's queued mail and block it from sending more: dry run by default, --apply, --undo.");

    // Policy service.
    config.AddBranch("policy", policy =>
    {
        policy.SetDescription("Postfix policy service: per-user sending limits and automatic containment of stolen accounts.");
        policy.AddCommand<SpamTrace.Cli.Commands.PolicyServeCommand>("serve")
            .WithDescription("Run the policy service (foreground, or under systemd).");
        policy.AddCommand<SpamTrace.Cli.Commands.PolicyCheckCommand>("check")
            .WithDescription("Validate the policy config file; errors name the file and line.");
        policy.AddCommand<SpamTrace.Cli.Commands.PolicyStatusCommand>("status")
            .WithDescription("Top users by rate, contained accounts and incidents.");
        policy.AddCommand<SpamTrace.Cli.Commands.PolicyBlockCommand>("block")
            .WithDescription("Contain an account by hand until it is released.");
        policy.AddCommand<SpamTrace.Cli.Commands.PolicyReleaseCommand>("release")
            .WithDescription("End an account's containment.");
        policy.AddBranch("greylist", greylist =>
        {
            greylist.SetDescription("Greylisting in the policy service.");
            greylist.AddCommand<SpamTrace.Cli.Commands.PolicyGreylistExplainCommand>("explain")
                .WithDescription("Why mail from or to an address or IP was delayed, and when it will pass.");
        });
    });

    // Audit: configuration and DNS of the sending server.
    config.AddBranch("audit", audit =>
    {
        audit.SetDescription("Audit the server: what makes it an easy spam source or gets its mail refused.");
        audit.SetDefaultCommand<SpamTrace.Cli.Commands.AuditCommand>();
        audit.AddCommand<SpamTrace.Cli.Commands.AuditCommand>("config")
            .WithDescription("The Postfix configuration audit (also `spamtrace audit` alone): open relay, submission, limits, backscatter, HELO, hardening, and who may relay per smtpd service.");
        audit.AddCommand<SpamTrace.Cli.Commands.AuditDnsCommand>("dns")
            .WithDescription("SPF, DKIM, DMARC, PTR/HELO, blocklists and DNSWL of the sending domains and addresses, with the records to publish.");
        audit.AddCommand<SpamTrace.Cli.Commands.AuditRelayCommand>("relay")
            .WithDescription("Probe an SMTP server with the 16 open-relay tricks (stops after RCPT, never sends), as an Internet client via XCLIENT.");
    });

    // Web scan: the PHP that sends the spam.
    config.AddCommand<SpamTrace.Cli.Commands.WebScanCommand>("webscan")
        .WithDescription("Find the PHP mailers, backdoors and droppers in the web roots: ranked, explained, with quarantine.");

    // Lab and maintenance helpers.
    config.AddCommand<SpamTrace.Cli.Commands.ScanCommand>("scan")
        .WithDescription("Read and parse logs end to end: inputs, bytes, lines, events by kind, unknown lines, errors, MB/s.");
});
// Spectre.Console.Cli reads a lone "-" as a nameless option; every command takes it to mean standard input.
CliErrors.Arguments = args;
return app.Run(args.Select(a => a == "-" ? "/dev/stdin" : a));
