using System.ComponentModel;
using System.Diagnostics;
using SpamTrace.Policy.Admin;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>
/// Ends an account's containment. With --requeue, also releases from Postfix's hold queue the messages that were held
/// because of the containment (recorded by queue ID at END-OF-MESSAGE), and asks for their delivery.
/// </summary>
public sealed class PolicyReleaseCommand : Command<PolicyReleaseCommand.Settings>
{
    public sealed class Settings : PolicySettings
    {
        [CommandArgument(0, "<USER>")]
        [Description("SASL username to release.")]
        public string User { get; init; } = "";

        [CommandOption("--requeue")]
        [Description("Also release the account's held messages (postsuper -H) and schedule their delivery (postqueue -i).")]
        public bool Requeue { get; init; }

        [CommandOption("--postfix-config <DIR>")]
        [Description("Postfix configuration directory for postsuper/postqueue (-c DIR). Default: Postfix's own.")]
        public string? PostfixConfig { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = settings.LoadConfig();
        var result = PolicyStoreAccess.Admin(config, $"RELEASE {settings.User}",
            store => AdminOperations.ReleaseAsync(store, settings.User, cancellationToken), cancellationToken);
        Console.WriteLine(result.Message);
        if (settings.Requeue && result.Held.Count > 0)
        {
            // Only IDs Postfix gave us; still, never let one become an option of postsuper.
            var ids = result.Held.Where(id => id.Length > 0 && id.All(char.IsAsciiLetterOrDigit)).ToList();
            Postfix("postsuper", settings.PostfixConfig, ["-H", "-"], string.Join('\n', ids) + "\n");
            foreach (var id in ids)
            {
                Postfix("postqueue", settings.PostfixConfig, ["-i", id], null);
            }
            Console.WriteLine($"released {ids.Count} held message(s) from the hold queue: {string.Join(' ', ids)}");
        }
        return result.Changed ? ExitCodes.Ok : ExitCodes.Found;
    }

    private static void Postfix(string tool, string? configDirectory, string[] arguments, string? input)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (configDirectory is not null)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(configDirectory);
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new UserFacingException($"{tool}: cannot start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new UserFacingException($"{tool}: {ex.Message} (is Postfix installed?)");
        }
        using (process)
        {
            process.StandardInput.Write(input ?? "");
            process.StandardInput.Close();
            var stderr = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new UserFacingException($"{tool} {string.Join(' ', arguments)}: exit {process.ExitCode}: {stderr.Result.Trim()}");
            }
        }
    }
}
