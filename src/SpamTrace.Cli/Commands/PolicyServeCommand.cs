using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Serving;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>Runs the policy service in the foreground, or as a systemd service (Type=notify) when systemd starts it.</summary>
public sealed class PolicyServeCommand : Command<PolicySettings>
{
    public override int Execute(CommandContext context, PolicySettings settings, CancellationToken cancellationToken)
    {
        var config = settings.LoadConfig();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSystemd();
        builder.Logging.ClearProviders();
        if (SystemdHelpers.IsSystemdService())
        {
            builder.Logging.AddSystemdConsole();
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
            });
        }
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(config);
        builder.Services.AddHostedService<PolicyHostedService>();
        using var host = builder.Build();
        try
        {
            host.Run();
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or UnauthorizedAccessException or StackExchange.Redis.RedisException)
        {
            throw new UserFacingException($"policy serve: {ex.Message}");
        }
        return ExitCodes.Ok;
    }
}
