using System.ComponentModel;
using SpamTrace.Policy.Admin;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>Ends an account's containment. Held mail stays in the hold queue until released there (postsuper -H).</summary>
public sealed class PolicyReleaseCommand : Command<PolicyReleaseCommand.Settings>
{
    public sealed class Settings : PolicySettings
    {
        [CommandArgument(0, "<USER>")]
        [Description("SASL username to release.")]
        public string User { get; init; } = "";
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = settings.LoadConfig();
        var result = PolicyStoreAccess.Admin(config, $"RELEASE {settings.User}",
            store => AdminOperations.ReleaseAsync(store, settings.User, cancellationToken), cancellationToken);
        Console.WriteLine(result.Message);
        return result.Changed ? ExitCodes.Ok : ExitCodes.Found;
    }
}
