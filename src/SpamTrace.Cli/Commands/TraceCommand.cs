using System.ComponentModel;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

public sealed class TraceCommand : Command<TraceCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<QUERY>")]
        [Description("Queue ID, Message-ID, address, SASL username or client IP.")]
        public string Query { get; init; } = "";

        [CommandArgument(1, "[LOG]")]
        [Description("Log files, directories, globs or - for stdin. Default: /var/log/maillog*, /var/log/mail.log*.")]
        public string[] Logs { get; init; } = [];
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        throw new UserFacingException("trace: the log engine is not built yet");
    }
}
