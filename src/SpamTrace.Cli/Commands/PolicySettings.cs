using System.ComponentModel;
using SpamTrace.Policy.Limits;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>The option every `policy` subcommand shares: where the config file is.</summary>
public class PolicySettings : CommandSettings
{
    public const string DefaultConfig = "/etc/spamtrace/policy.json";

    [CommandOption("-c|--config <FILE>")]
    [Description("Policy config file (JSON). Default: /etc/spamtrace/policy.json.")]
    public string Config { get; init; } = DefaultConfig;

    /// <summary>Loads the config or throws a one-line, file:line error for the user.</summary>
    public PolicyConfig LoadConfig()
    {
        RequireConfigFile();
        try
        {
            return PolicyConfigLoader.Load(Config);
        }
        catch (PolicyConfigException ex)
        {
            throw new UserFacingException(string.Join(Environment.NewLine, ex.Errors));
        }
    }

    /// <summary>A missing config means the policy service is not set up here: say so and where to start, not an I/O error.</summary>
    public void RequireConfigFile()
    {
        if (!File.Exists(Config))
        {
            throw new UserFacingException(Directory.Exists(Config)
                ? $"{Config} is a directory, not a policy config: see README#policy-service, or -c FILE"
                : $"no policy config at {Config}: see README#policy-service, or -c FILE");
        }
    }
}
