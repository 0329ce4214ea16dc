using System.ComponentModel;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>The Postfix instances a queue command works on: the same -c option for `queue` and `contain`.</summary>
public abstract class InstanceSettings : CommandSettings
{
    [CommandOption("-c|--config <DIR>")]
    [Description("Postfix config directory of an instance (repeatable). Default: the default instance.")]
    public string[] ConfigDirectories { get; init; } = [];
}
