using System.Net;

namespace SpamTrace.Policy.Limits;

/// <summary>
/// TCP listeners reachable from beyond this host. Anyone who reaches the policy listener can feed it requests with any
/// user name (and so exhaust or contain someone else's account); the metrics endpoint tells who sends how much.
/// </summary>
public static class ListenerExposure
{
    public static IReadOnlyList<string> Warnings(PolicyConfig config)
    {
        var warnings = new List<string>();
        if (Exposed(config.Tcp))
        {
            warnings.Add($"listen.tcp {config.Tcp} accepts connections from beyond loopback: anyone who can reach it can feed the service "
                + $"requests with any user name; use a unix socket in {ListenerDefaults.PostfixPrivateDir} or 127.0.0.1, or firewall the port");
        }
        if (Exposed(config.Metrics))
        {
            warnings.Add($"listen.metrics {config.Metrics} accepts connections from beyond loopback: its figures name your heaviest senders; bind it to 127.0.0.1 or firewall the port");
        }
        return warnings;
    }

    /// <summary>True for an endpoint whose address is not loopback (0.0.0.0 and :: listen everywhere).</summary>
    public static bool Exposed(string? endpoint) =>
        endpoint is not null && IPEndPoint.TryParse(endpoint, out var parsed) && !IPAddress.IsLoopback(parsed.Address);
}
