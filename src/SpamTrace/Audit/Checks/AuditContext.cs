using SpamTrace.Audit.Config;
using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Relay;
using SpamTrace.Common;

namespace SpamTrace.Audit.Checks;

/// <summary>Everything the checks look at: the effective config, the relay simulation, and the host's other files.</summary>
public sealed class AuditContext
{
    public AuditContext(PostfixConfig config, IAuditHost host, string? instance)
    {
        Config = config;
        Host = host;
        Instance = instance;
        Relay = RelaySimulator.Simulate(config, host.ReadText);
    }

    public PostfixConfig Config { get; }
    public IAuditHost Host { get; }
    /// <summary>The config directory given to postconf -c, or null for the default instance.</summary>
    public string? Instance { get; }
    public List<ServiceRelay> Relay { get; }

    /// <summary>Services that accept mail from MUAs: 587 and 465.</summary>
    public IEnumerable<ServiceRelay> Submission => Relay.Where(r => r.Port is 587 or 465 && r.Service?.IsLoopbackOnly != true);

    /// <summary>Services on port 25 reachable from outside.</summary>
    public IEnumerable<ServiceRelay> Mx => Relay.Where(r => r.Port == 25 && r.Service?.IsLoopbackOnly != true);

    public AuditEvidence Evidence(string name, MasterService? service = null)
    {
        var value = Config.Get(name, service);
        return new AuditEvidence(Config.WhereIs(name, service), $"{name} = {value}")
        {
            File = Config.IsExplicit(name, service) ? Config.FileOf(name, service) : null,
            Line = Config.LineOf(name, service),
            Service = service?.Name,
            Parameter = name,
        };
    }

    public List<string> Items(string name, MasterService? service = null) => PostfixConfig.Items(Config.Get(name, service));

    public string Command(ConfigChange change)
    {
        var prefix = Instance is null ? "postconf" : $"postconf -c {ShellQuote.Quote(Instance)}";
        return change.ServiceName is null
            ? $"{prefix} -e {ShellQuote.Quote($"{change.Parameter}={change.Value}")}"
            : $"{prefix} -P {ShellQuote.Quote($"{change.ServiceName}/{change.ServiceType ?? "inet"}/{change.Parameter}={change.Value}")}";
    }

    public static ConfigChange Main(string name, string value) => new(name, value);

    public static ConfigChange Master(MasterService? service, string name, string value) =>
        service is null ? new(name, value) : new(name, value.Replace(", ", ",", StringComparison.Ordinal), service.Name, service.Type);
}
