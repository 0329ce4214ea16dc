using SpamTrace.Policy.Limits;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>Validates the config file (and the sender login map it names); prints what the service would enforce.</summary>
public sealed class PolicyCheckCommand : Command<PolicySettings>
{
    public override int Execute(CommandContext context, PolicySettings settings, CancellationToken cancellationToken)
    {
        settings.RequireConfigFile();
        PolicyConfig config;
        try
        {
            config = PolicyConfigLoader.Load(settings.Config);
            if (config.SenderLoginMap is not null)
            {
                SenderLoginMap.Load(config.SenderLoginMap);
            }
        }
        catch (PolicyConfigException ex)
        {
            foreach (var error in ex.Errors)
            {
                Console.Error.WriteLine($"spamtrace: {error}");
            }
            return ExitCodes.UsageOrInput;
        }
        var table = new Table().AddColumns("limit", "key", "counts", "windows / max", "algorithm", "action", "overrides");
        foreach (var rule in config.Limits)
        {
            table.AddRow(
                new Text(rule.Name), new Text(PolicyNames.Of(rule.Key)), new Text(PolicyNames.Of(rule.Count)),
                new Text(rule.Count == LimitCount.RecipientsPerMessage ? rule.MaxPerMessage.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Join(", ", rule.Windows)),
                new Text(PolicyNames.Of(rule.Algorithm)), new Text(rule.Action.Verb),
                new Text((rule.Overrides.Count + rule.MaxPerMessageOverrides.Count).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        AnsiConsole.Write(table);
        var c = config.Containment;
        AnsiConsole.WriteLine($"listen: {(config.UnixSocket is null ? "" : "unix:" + config.UnixSocket + " ")}{(config.Tcp is null ? "" : "inet:" + config.Tcp)}; admin: {config.AdminSocket ?? "none"}; metrics: {config.Metrics ?? "off"}");
        AnsiConsole.WriteLine($"store: {PolicyNames.Of(config.Store.Kind)} {(config.Store.Kind == StoreKind.Redis ? config.Store.Redis : config.Store.Path ?? "(memory only)")}, on error: {config.Store.OnError.Text} after {config.Store.Timeout.TotalMilliseconds} ms");
        AnsiConsole.WriteLine(c.Enabled
            ? $"containment: {c.Action.Verb} when > {c.MaxDistinctIps} IPs or > {c.MaxDistinctNetworks} networks or >= {c.MaxLimitHits} limit hits within {Duration.Format(c.Window)}, or > {c.BaselineMultiple}x baseline (min {c.BaselineMinMessages}/h)"
            : "containment: off");
        AnsiConsole.WriteLine($"exemptions: {config.Exempt.Count}; sender login map: {config.SenderLoginMap ?? "none"}");
        AnsiConsole.WriteLine(SpamTrace.Reports.TerminalText.Escape(SpamTrace.Policy.Greylisting.GreylistSetup.Describe(config.Greylist)));
        foreach (var warning in ListenerExposure.Warnings(config))
        {
            Console.Error.WriteLine($"spamtrace: warning: {warning}");
        }
        AnsiConsole.WriteLine($"{settings.Config}: ok");
        return ExitCodes.Ok;
    }
}
