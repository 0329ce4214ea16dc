using System.Text.Json;
using SpamTrace.Lab.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SpamTrace.Lab.Tests;

/// <summary>
/// A lab run whose real Postfix has, besides the lab's correct listeners, one smtpd listener per classic
/// misconfiguration (master.cf -o overrides), and XCLIENT allowed for loopback so that the probe can claim an
/// Internet address. nmap's smtp-open-relay runs from that same address (bound with -S), as a client from the
/// Internet would.
/// </summary>
public sealed class AuditRelayLabFixture : IDisposable
{
    /// <summary>An "office" address of the lab (203.0.113.0/24 is local to the namespace's lo), outside every correct mynetworks.</summary>
    public const string InternetClient = "203.0.113.99";

    private readonly Exception? _failure;

    public AuditRelayLabFixture(IMessageSink log)
    {
        Unavailable = LabRequirements.WhyUnavailable() ?? (File.Exists("/usr/bin/nmap") ? null : "nmap is missing (deps/audit.txt)");
        if (Unavailable is not null)
        {
            log.OnMessage(new DiagnosticMessage("audit relay lab tests not run: " + Unavailable));
            return;
        }
        try
        {
            File.WriteAllText(WideAccessMap, "0.0.0.0/0 OK\n");
            if (OperatingSystem.IsLinux())
            {
                File.SetUnixFileMode(WideAccessMap, (UnixFileMode)Convert.ToInt32("644", 8));
            }
            Run = LabRun.StartNew("relay", new Dictionary<string, string>
            {
                ["LAB_POSTCONF"] = "smtpd_authorized_xclient_hosts = 127.0.0.0/8",
                ["LAB_MASTER_CF"] = string.Join('\n',
                    // wide mynetworks: everything, and the lab's client network
                    "127.0.0.5:25 inet n - n - - smtpd", "  -o mynetworks=0.0.0.0/0",
                    "127.0.0.6:25 inet n - n - - smtpd", "  -o mynetworks=127.0.0.1/32,203.0.113.0/24",
                    // a wide access map (OK for every client) before reject_unauth_destination; a bare "permit" there
                    // is not possible: Postfix 3.7's smtpd refuses to start ("specify at least one working instance")
                    "127.0.0.7:25 inet n - n - - smtpd",
                    $"  -o smtpd_relay_restrictions=permit_mynetworks,check_client_access,cidr:{WideAccessMap},reject_unauth_destination",
                    $"  -o smtpd_recipient_restrictions=permit_mynetworks,check_client_access,cidr:{WideAccessMap},reject_unauth_destination",
                    // submission without AUTH (main.cf's relay restrictions still apply)
                    "127.0.0.8:587 inet n - n - - smtpd", "  -o syslog_name=postfix/submission-noauth", "  -o smtpd_sasl_auth_enable=no",
                    // relay_domains without relay_recipient_maps
                    "127.0.0.9:25 inet n - n - - smtpd", "  -o relay_recipient_maps=",
                    // the correct MX, but without XCLIENT for the probe
                    "127.0.0.10:25 inet n - n - - smtpd", "  -o smtpd_authorized_xclient_hosts="),
            });
            var ports = new[] { "127.0.0.5:25", "127.0.0.6:25", "127.0.0.7:25", "127.0.0.8:587", "127.0.0.9:25", "127.0.0.10:25" };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!ports.All(p => Exec(["ss", "-Hltn", $"sport = :{p.Split(':')[1]}"], 10).Stdout.Contains(p, StringComparison.Ordinal)))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException("the relay lab's extra listeners did not open: " + Exec(["ss", "-Hltn"], 10).Stdout);
                }
                Thread.Sleep(200);
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    public string? Unavailable { get; }

    /// <summary>A client access map that says OK to every client, read by Postfix (world-readable, under /tmp).</summary>
    public string WideAccessMap { get; } = Path.Combine(Path.GetTempPath(), $"spamtrace-relay-lab-{Environment.ProcessId}.cidr");

    public LabRun? Run { get; }

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
            throw new InvalidOperationException("the relay lab run failed to start", _failure);
        }
        return Run!;
    }

    /// <summary>Runs a command inside the run's namespace.</summary>
    public ProcessResult Exec(IEnumerable<string> command, int timeoutSeconds) =>
        LabProcess.Run(LabPaths.Script("exec.sh"), [Run!.RunDirectory, .. command], TimeSpan.FromSeconds(timeoutSeconds));

    /// <summary>`spamtrace audit relay TARGET --xclient 203.0.113.99 --json` inside the namespace: the verdict row and the tricks accepted.</summary>
    public (int ExitCode, string Verdict, string Reason, List<int> Accepted) Probe(string target)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var result = Exec([dotnet, LabPaths.CliAssembly(), "audit", "relay", target, "--xclient", InternetClient, "--json"], 180);
        Assert.True(result.ExitCode is 0 or 1, $"audit relay {target}: {result.Describe()}");
        using var doc = JsonDocument.Parse(result.Stdout);
        var sections = doc.RootElement.GetProperty("sections").EnumerateArray().ToList();
        var verdict = sections.Single(s => s.GetProperty("id").GetString() == "relay.verdict").GetProperty("rows")[0];
        var accepted = sections.Single(s => s.GetProperty("id").GetString() == "relay.tricks").GetProperty("rows").EnumerateArray()
            .Where(r => r.GetProperty("accepted").GetString() == "ACCEPTED")
            .Select(r => int.Parse(r.GetProperty("test").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        return (result.ExitCode, verdict.GetProperty("verdict").GetString()!, verdict.GetProperty("reason").GetString()!, accepted);
    }

    /// <summary>Debian's nmap smtp-open-relay from the Internet client address: the number of tests passed (0 when "doesn't seem to be an open relay").</summary>
    public (int Passed, string Output) Nmap(string target)
    {
        var (host, port) = (target.Split(':')[0], target.Split(':')[1]);
        var result = Exec(["nmap", "-n", "-Pn", "-sT", "-S", InternetClient, "-e", "lo", "-p", port, "--script", "smtp-open-relay", host], 240);
        Assert.True(result.ExitCode == 0, $"nmap {target}: {result.Describe()}");
        var m = System.Text.RegularExpressions.Regex.Match(result.Stdout, @"Server is an open relay \((\d+)/16 tests\)");
        if (m.Success)
        {
            return (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), result.Stdout);
        }
        Assert.True(result.Stdout.Contains("doesn't seem to be an open relay", StringComparison.Ordinal)
            || result.Stdout.Contains("isn't an open relay", StringComparison.Ordinal), $"nmap {target} gave no verdict:\n{result.Stdout}");
        return (0, result.Stdout);
    }

    /// <summary>swaks from the Internet client address, quitting after RCPT: true when the recipient was accepted.</summary>
    public bool RcptAccepted(string target, string recipient, bool tls = false)
    {
        var result = Exec(["swaks", "--server", target, "--local-interface", InternetClient, "--ehlo", "client.example.net",
            "--from", "probe@example.net", "--to", recipient, "--quit-after", "RCPT", .. (tls ? new[] { "--tls" } : [])], 60);
        return result.ExitCode == 0;
    }

    public void Dispose()
    {
        Run?.Dispose();
        File.Delete(WideAccessMap);
    }
}

/// <summary>The relay probe on the real Postfix: open on the open relays, closed on the correct instance, and nmap agrees on each.</summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class AuditRelayLabTests(AuditRelayLabFixture lab, ITestOutputHelper output) : IClassFixture<AuditRelayLabFixture>
{
    [SkippableTheory]
    [InlineData("127.0.0.5:25", "mynetworks = 0.0.0.0/0")]
    [InlineData("127.0.0.6:25", "mynetworks includes the client network 203.0.113.0/24")]
    [InlineData("127.0.0.7:25", "an access map saying OK to every client before reject_unauth_destination")]
    public void Open_relays_are_open_for_the_probe_and_for_nmap_on_the_same_tricks(string target, string misconfiguration)
    {
        lab.Require();
        var probe = lab.Probe(target);
        var (nmapPassed, nmapOutput) = lab.Nmap(target);
        output.WriteLine($"{target} ({misconfiguration}): probe {probe.Verdict}, {probe.Accepted.Count}/16 accepted; nmap {nmapPassed}/16");
        Assert.Equal("open", probe.Verdict);
        Assert.Equal(1, probe.ExitCode);
        Assert.NotEmpty(probe.Accepted);
        Assert.True(nmapPassed > 0, $"nmap disagrees on {target}:\n{nmapOutput}");
        Assert.Equal(nmapPassed, probe.Accepted.Count);
    }

    [SkippableTheory]
    [InlineData("127.0.0.1:25", "the lab's correct MX")]
    [InlineData("127.0.0.1:587", "the lab's correct submission (STARTTLS and AUTH required)")]
    [InlineData("127.0.0.8:587", "submission without AUTH: main.cf's reject_unauth_destination still refuses relaying")]
    [InlineData("127.0.0.9:25", "relay_domains without relay_recipient_maps: backscatter, not relay")]
    public void Closed_servers_are_closed_for_the_probe_and_for_nmap(string target, string configuration)
    {
        lab.Require();
        var probe = lab.Probe(target);
        var (nmapPassed, nmapOutput) = lab.Nmap(target);
        output.WriteLine($"{target} ({configuration}): probe {probe.Verdict} ({probe.Reason}); nmap {nmapPassed}/16");
        Assert.True(probe.Verdict == "closed", $"{target}: {probe.Verdict}: {probe.Reason}");
        Assert.Equal(0, probe.ExitCode);
        Assert.Empty(probe.Accepted);
        Assert.True(nmapPassed == 0, $"nmap says open on {target}:\n{nmapOutput}");
    }

    [SkippableFact]
    public void Without_XCLIENT_the_probe_from_this_host_is_not_conclusive_instead_of_a_false_alarm()
    {
        lab.Require();
        // 127.0.0.10 is the correct MX with smtpd_authorized_xclient_hosts empty: permit_mynetworks trusts 127.0.0.1.
        var probe = lab.Probe("127.0.0.10:25");
        var (nmapPassed, _) = lab.Nmap("127.0.0.10:25");
        output.WriteLine($"127.0.0.10:25 without XCLIENT: probe {probe.Verdict} ({probe.Reason}); nmap from {AuditRelayLabFixture.InternetClient} {nmapPassed}/16");
        Assert.Equal("not-conclusive", probe.Verdict);
        Assert.Equal(0, probe.ExitCode);
        Assert.Equal(0, nmapPassed);
    }

    [SkippableFact]
    public void Relay_domain_without_recipient_maps_accepts_unknown_users_and_the_correct_one_refuses_them()
    {
        lab.Require();
        Assert.True(lab.RcptAccepted("127.0.0.9:25", "nosuchuser@legacy.example"), "127.0.0.9 should accept any user of the relay domain (backscatter)");
        Assert.False(lab.RcptAccepted("127.0.0.1:25", "nosuchuser@legacy.example"), "the correct MX must refuse unknown relay recipients");
        Assert.True(lab.RcptAccepted("127.0.0.1:25", "info@legacy.example"), "the correct MX accepts listed relay recipients");
    }

    [SkippableFact]
    public void Submission_without_AUTH_takes_mail_for_local_users_from_anyone_and_the_correct_one_does_not()
    {
        lab.Require();
        Assert.True(lab.RcptAccepted("127.0.0.8:587", "postmaster@lab.example"), "submission without AUTH accepts unauthenticated mail");
        Assert.False(lab.RcptAccepted("127.0.0.1:587", "postmaster@lab.example", tls: true), "the correct submission requires AUTH");
    }
}
