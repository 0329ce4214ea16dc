using System.ComponentModel;
using SpamTrace.Policy.Admin;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>Contains an account by hand: its mail gets the containment action until `policy release`.</summary>
public sealed class PolicyBlockCommand : Command<PolicyBlockCommand.Settings>
{
    public sealed class Settings : PolicySettings
    {
        [CommandArgument(0, "<USER>")]
        [Description("SASL username to contain.")]
        public string User { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = settings.LoadConfig();
        var result = PolicyStoreAccess.Admin(config, $"BLOCK {settings.User}",
            store => AdminOperations.BlockAsync(store, settings.User, null, cancellationToken), cancellationToken);
        Console.WriteLine(result.Message);
        return ExitCodes.Ok;
    }
}
