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

    // Policy service.

    // Lab and maintenance helpers.
    config.AddCommand<SpamTrace.Cli.Commands.ScanCommand>("scan")
        .WithDescription("Read and parse logs end to end: inputs, bytes, lines, events by kind, unknown lines, errors, MB/s.");
});
return app.Run(args);
