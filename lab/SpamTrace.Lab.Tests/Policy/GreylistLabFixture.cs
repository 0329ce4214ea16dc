using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Lab.Tests.Infrastructure;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Serving;
using SpamTrace.Policy.Store;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SpamTrace.Lab.Tests.Policy;

/// <summary>
/// A lab run whose Postfix asks spamtrace's policy service with greylisting on (delay 5 s, Debian's whitelists when
/// installed, no SPF pools: the namespace has no DNS) at RCPT, before permit_mynetworks and permit_sasl_authenticated,
/// as the README's main.cf says. The service runs in this test process on a unix socket.
/// </summary>
public sealed class GreylistLabFixture : IDisposable
{
    public const int DelaySeconds = 5;

    private readonly IMessageSink _log;
    private readonly Exception? _failure;

    public GreylistLabFixture(IMessageSink log)
    {
        _log = log;
        Unavailable = LabRequirements.WhyUnavailable();
        if (Unavailable is not null)
        {
            Say("greylist lab tests not run: " + Unavailable);
            return;
        }
        Directory = Path.Combine(Path.GetTempPath(), $"spamtrace-greylist-lab-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(Directory);
        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(Directory, (UnixFileMode)Convert.ToInt32("755", 8));
        }
        var socket = Path.Combine(Directory, "policy.sock");
        try
        {
            ConfigPath = Path.Combine(Directory, "policy.json");
            File.WriteAllText(ConfigPath, $$"""
                {
                  "listen": { "unix": "{{socket}}", "unixMode": "666", "admin": "{{Path.Combine(Directory, "admin.sock")}}" },
                  "store": { "type": "embedded", "path": "{{Path.Combine(Directory, "policy.db")}}" },
                  "greylist": {
                    "delay": "{{DelaySeconds}}s",
                    // The lab's own loopback hops; its clients come from 198.18.0.0/15 and 203.0.113.0/24.
                    "mynetworks": ["127.0.0.0/8"],
                    "whitelistClients": ["/etc/postgrey/whitelist_clients.local"],
                    "spfPools": { "enabled": false }
                  }
                }
                """);
            var config = PolicyConfigLoader.Load(ConfigPath);
            Store = new EmbeddedStore(config.Store.Path);
            GreylistStore = new EmbeddedGreylistStore(config.Store.Path);
            var engine = new PolicyEngine(config, Store, new SpamTrace.Policy.Containment.IncidentNotifier(), new SpamTrace.Policy.Metrics.PolicyMetrics(), NullLogger.Instance);
            Greylister = GreylistSetup.Attach(engine, GreylistStore, config, NullLogger.Instance);
            Server = new PolicyServer(engine, NullLogger.Instance);
            Server.Start();
            Run = new LabRun(Path.Combine(Directory, "lab"));
            var policy = $"check_policy_service unix:{socket}";
            Run.Start(new Dictionary<string, string>
            {
                ["LAB_USERS"] = "sam:pw-sam tina:pw-tina",
                ["LAB_POSTCONF"] = $"smtpd_recipient_restrictions = {policy}, permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
            });
            Say($"greylist lab: started in {Directory}");
        }
        catch (Exception e)
        {
            _failure = e;
            Say("greylist lab: failed to start: " + e.Message);
        }
    }

    public string? Unavailable { get; }
    public string Directory { get; } = "";
    public string ConfigPath { get; } = "";
    public LabRun? Run { get; }
    public EmbeddedStore? Store { get; }
    public EmbeddedGreylistStore? GreylistStore { get; }
    public Greylister? Greylister { get; }
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
            throw new InvalidOperationException("the greylist lab run failed to start", _failure);
        }
        return Run!;
    }

    /// <summary>A message from an Internet client straight to our MX (port 25, no content filter), inside the namespace.</summary>
    public ProcessResult SendInbound(string clientIp, string from, string to, string subject) =>
        LabProcess.Run(LabPaths.Script("exec.sh"),
        [
            Run!.RunDirectory, "swaks", "--server", "127.0.0.2:25", "--local-interface", clientIp, "--ehlo", "mta.sender.example",
            "--from", from, "--to", to, "--header", $"Subject: {subject}", "--body", "greylist lab test",
        ], TimeSpan.FromSeconds(60));

    /// <summary>An authenticated submission (STARTTLS + SASL on 587) from <paramref name="clientIp"/>.</summary>
    public ProcessResult Submit(string user, string clientIp, string to, string subject)
    {
        var address = $"{user}@lab.example";
        return LabProcess.Run(LabPaths.Script("exec.sh"),
        [
            Run!.RunDirectory, "swaks", "--server", "127.0.0.2:587", "--local-interface", clientIp, "--tls",
            "--auth", "PLAIN", "--auth-user", address, "--auth-password", $"pw-{user}",
            "--from", address, "--to", to, "--header", $"Subject: {subject}", "--body", "greylist lab test",
        ], TimeSpan.FromSeconds(60));
    }

    private void Say(string text) => _log.OnMessage(new DiagnosticMessage(text));

    public void Dispose()
    {
        Run?.Stop();
        Server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GreylistStore?.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
