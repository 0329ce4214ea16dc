using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Lab.Tests.Infrastructure;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Serving;
using SpamTrace.Policy.Store;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SpamTrace.Lab.Tests.Policy;

/// <summary>
/// A lab run of its own whose Postfix asks spamtrace's policy service (running in this test process, on a unix socket:
/// the file system is shared with the lab's network namespace) at RCPT and END-OF-DATA. Limits: 3 messages per hour
/// per SASL user (DEFER); containment: more than 2 client IPs in an hour -> HOLD.
/// </summary>
public sealed class PolicyLabFixture : IDisposable
{
    private readonly IMessageSink _log;
    private readonly Exception? _failure;

    public PolicyLabFixture(IMessageSink log)
    {
        _log = log;
        Unavailable = LabRequirements.WhyUnavailable();
        if (Unavailable is not null)
        {
            Say("policy lab tests not run: " + Unavailable);
            return;
        }
        Directory = Path.Combine(Path.GetTempPath(), $"spamtrace-policy-lab-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(Directory);
        // smtpd runs as postfix: it must reach the socket through this directory.
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        var socket = Path.Combine(Directory, "policy.sock");
        try
        {
            var configPath = Path.Combine(Directory, "policy.json");
            File.WriteAllText(configPath, $$"""
                {
                  "listen": { "unix": "{{socket}}", "unixMode": "666", "admin": "{{Path.Combine(Directory, "admin.sock")}}" },
                  "store": { "type": "embedded", "path": "{{Path.Combine(Directory, "policy.db")}}" },
                  "limits": [ { "name": "user-messages", "key": "sasl_username", "count": "messages", "windows": ["3/1h"] } ],
                  "containment": { "maxDistinctIps": 2, "maxDistinctNetworks": 0, "maxLimitHits": 0, "baselineMultiple": 0, "action": "HOLD" }
                }
                """);
            ConfigPath = configPath;
            var config = PolicyConfigLoader.Load(configPath);
            Store = new EmbeddedStore(config.Store.Path);
            Server = new PolicyServer(new PolicyEngine(config, Store, new SpamTrace.Policy.Containment.IncidentNotifier(),
                new SpamTrace.Policy.Metrics.PolicyMetrics(), NullLogger.Instance), NullLogger.Instance);
            Server.Start();
            Run = new LabRun(Path.Combine(Directory, "lab"));
            var policy = $"check_policy_service unix:{socket}";
            Run.Start(new Dictionary<string, string>
            {
                ["LAB_USERS"] = "pamela:pw-pamela quentin:pw-quentin rosa:pw-rosa",
                ["LAB_POSTCONF"] = $"smtpd_recipient_restrictions = {policy}, permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination\n"
                    + $"smtpd_end_of_data_restrictions = {policy}",
            });
            Say($"policy lab: started in {Directory}");
        }
        catch (Exception e)
        {
            _failure = e;
            Say("policy lab: failed to start: " + e.Message);
        }
    }

    public string? Unavailable { get; }

    public string Directory { get; } = "";

    public string ConfigPath { get; } = "";

    public LabRun? Run { get; }

    public EmbeddedStore? Store { get; }

    public PolicyServer? Server { get; }

    public LabRun Require()
    {
        if (Unavailable is not null)
        {
            if (LabRequirements.InCi())
            {
                throw new XunitException("lab unavailable in CI: " + Unavailable);
            }
            Skip.If(true, "lab unavailable: " + Unavailable);
        }
        if (_failure is not null)
        {
            throw new InvalidOperationException("the policy lab run failed to start", _failure);
        }
        return Run!;
    }

    /// <summary>Sends one message over submission (STARTTLS + SASL) from <paramref name="clientIp"/>, inside the lab's namespace.</summary>
    public ProcessResult Send(string user, string clientIp, string to, string subject)
    {
        var address = $"{user}@lab.example";
        return LabProcess.Run(LabPaths.Script("exec.sh"),
        [
            Run!.RunDirectory, "swaks", "--server", "127.0.0.1:587", "--local-interface", clientIp, "--tls",
            "--auth", "PLAIN", "--auth-user", address, "--auth-password", $"pw-{user}",
            "--from", address, "--to", to, "--header", $"Subject: {subject}", "--body", "policy lab test",
        ], TimeSpan.FromSeconds(60));
    }

    private void Say(string text) => _log.OnMessage(new DiagnosticMessage(text));

    public void Dispose()
    {
        Run?.Stop();
        Server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Store?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (Environment.GetEnvironmentVariable("SPAMTRACE_LAB_KEEP") != "1" && Directory.Length > 0)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless; the lab's processes are already stopped.
            }
        }
    }
}
