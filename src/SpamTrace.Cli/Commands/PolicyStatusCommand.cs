using System.ComponentModel;
using System.Globalization;
using SpamTrace.Policy.Admin;
using SpamTrace.Policy.Greylisting;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>Top users by rate, contained accounts and recent incidents, from the running service or, when it is stopped, from its store.</summary>
public sealed class PolicyStatusCommand : Command<PolicyStatusCommand.Settings>
{
    public sealed class Settings : PolicySettings
    {
        [CommandOption("--top <N>")]
        [Description("How many users to list by rate. Default 10.")]
        public int Top { get; init; } = 10;

        [CommandOption("--json")]
        [Description("Print the status as JSON.")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = settings.LoadConfig();
        var reply = AdminClient.SendAsync(config.AdminSocket, $"STATUS {settings.Top}", cancellationToken).GetAwaiter().GetResult();
        AdminStatus status;
        if (reply is not null)
        {
            status = AdminProtocol.ParseStatus(reply) ?? throw new UserFacingException($"{config.AdminSocket}: unreadable admin reply");
        }
        else
        {
            status = PolicyStoreAccess.WithStore(config, store => AdminOperations.StatusAsync(store, config, settings.Top, cancellationToken), cancellationToken);
            if (config.Greylist.Enabled)
            {
                status.Greylist = PolicyGreylistStore.With(config, store => GreylistStatus.FromAsync(null, store, config.Greylist, settings.Top, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), cancellationToken));
            }
        }
        if (settings.Json)
        {
            Console.WriteLine(AdminProtocol.Serialize(status));
            return status.Contained.Count > 0 ? ExitCodes.Found : ExitCodes.Ok;
        }
        var service = status.ServiceRunning ? "running" : PolicyStoreAccess.DescribeUnreachable(config);
        AnsiConsole.WriteLine($"service: {service}; store: {status.Store}");
        if (status.ServiceRunning)
        {
            AnsiConsole.WriteLine($"decisions: {string.Join(", ", status.Decisions.Select(kv => $"{kv.Key} {kv.Value}"))}; store errors: {status.StoreErrors}; open connections: {status.OpenConnections}");
        }
        var top = new Table().Title("top users, last hour").AddColumns("user", "messages", "client IPs");
        foreach (var rate in status.TopUsers)
        {
            top.AddRow(new Text(rate.User), new Text(rate.MessagesLastHour.ToString(CultureInfo.InvariantCulture)), new Text(rate.DistinctIps.ToString(CultureInfo.InvariantCulture)));
        }
        AnsiConsole.Write(top);
        var contained = new Table().Title("contained accounts").AddColumns("user", "since (UTC)", "incident", "reason");
        foreach (var c in status.Contained)
        {
            contained.AddRow(new Text(c.User), new Text(c.Since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)), new Text(c.IncidentId.ToString(CultureInfo.InvariantCulture)), new Text(c.Reason));
        }
        AnsiConsole.Write(contained);
        var incidents = new Table().Title("recent incidents").AddColumns("id", "user", "at (UTC)", "notified", "evidence");
        foreach (var i in status.Incidents)
        {
            incidents.AddRow(new Text(i.Id.ToString(CultureInfo.InvariantCulture)), new Text(i.User), new Text(i.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)), new Text(i.Notified ? "yes" : "no"), new Text(i.Evidence));
        }
        AnsiConsole.Write(incidents);
        PolicyGreylistStatusView.Render(status.Greylist);
        return status.Contained.Count > 0 ? ExitCodes.Found : ExitCodes.Ok;
    }
}
