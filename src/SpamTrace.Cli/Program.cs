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
    config.AddCommand<SpamTrace.Cli.Commands.DiagnoseCommand>("diagnose")
        .WithDescription("Name the source of outbound spam (stolen login, hacked script, open relay, backscatter), with evidence and the commands that stop it.");

    // Queue and containment.

    // Policy service.

    // Lab and maintenance helpers.
});
return app.Run(args);
