using SpamTrace.Cli;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("spamtrace");
    config.SetExceptionHandler((ex, _) => CliErrors.Report(ex));

    // Log engine: follow messages through every daemon.
    config.AddCommand<SpamTrace.Cli.Commands.TraceCommand>("trace")
        .WithDescription("Follow messages by queue ID, Message-ID, address, SASL user or client IP through every Postfix daemon.");

    // Diagnosis: name the source of outbound spam.

    // Queue and containment.
    config.AddCommand<SpamTrace.Cli.Commands.QueueCommand>("queue")
        .WithDescription("Summarise the Postfix queue(s): senders, SASL users, uids, recipient domains, age, why mail is stuck.");
    config.AddCommand<SpamTrace.Cli.Commands.ContainCommand>("contain")
        .WithDescription("Hold a culprit's queued mail and block it from sending more: dry run by default, --apply, --undo.");

    // Policy service.

    // Lab and maintenance helpers.
});
return app.Run(args);
