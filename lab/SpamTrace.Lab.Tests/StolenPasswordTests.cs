using System.Text.Json;
using SpamTrace.Lab.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SpamTrace.Lab.Tests;

[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class StolenPasswordTests(LabFixture lab, ITestOutputHelper output)
{
    [SkippableFact]
    public void Brute_force_failures_are_logged_by_postfix_and_dovecot()
    {
        var run = lab.Require();
        var manifest = lab.Manifest("stolen-password");
        Assert.NotEmpty(manifest.AuthFailures);
        var maillog = File.ReadAllLines(run.Maillog);
        var dovecot = File.ReadAllLines(run.DovecotLog);
        foreach (var group in manifest.AuthFailures.GroupBy(f => (f.User, f.ClientIp)))
        {
            var (user, ip) = group.Key;
            var inMaillog = maillog.Count(l => l.Contains($"[{ip}]: SASL LOGIN authentication failed", StringComparison.Ordinal)
                                                && l.EndsWith($"sasl_username={user}", StringComparison.Ordinal));
            var inDovecot = dovecot.Count(l => l.Contains($"passwd-file({user},{ip})", StringComparison.Ordinal));
            Assert.True(group.Count() == inMaillog, $"seed {lab.Seed}: {group.Count()} failures of {user} from {ip}, maillog has {inMaillog}");
            Assert.True(group.Count() == inDovecot, $"seed {lab.Seed}: {group.Count()} failures of {user} from {ip}, dovecot log has {inDovecot}");
        }
        Assert.All(manifest.AuthFailures, f => Assert.NotEqual(0, f.SwaksExit));
    }

    [SkippableFact]
    public void Every_accepted_message_was_queued_with_the_login_and_client_address()
    {
        var run = lab.Require();
        var manifest = lab.Manifest("stolen-password");
        var maillog = File.ReadAllText(run.Maillog);
        var culprit = Assert.Single(manifest.ExpectedCulprits);
        Assert.Equal("sasl", culprit.Kind);
        var spam = manifest.Accepted.Where(m => m.Role == "spam").ToList();
        Assert.Equal(int.Parse(manifest.Param("count"), System.Globalization.CultureInfo.InvariantCulture), spam.Count);
        foreach (var m in manifest.Accepted)
        {
            Assert.NotNull(m.QueueId);
            var line = $"{m.QueueId}: client=unknown[{m.Origin.ClientIp}],";
            Assert.True(maillog.Contains(line, StringComparison.Ordinal), $"seed {lab.Seed}: no '{line}' in the maillog");
            Assert.Contains($"sasl_username={m.Origin.User}", maillog[maillog.IndexOf(line, StringComparison.Ordinal)..].Split('\n')[0], StringComparison.Ordinal);
        }
        Assert.Equal(culprit.ClientIps!.Count, spam.Select(m => m.Origin.ClientIp).Distinct().Count());
        Assert.All(spam, m => Assert.Equal(culprit.User, m.Origin.User));
    }

    [SkippableFact]
    public void Trace_command_finds_every_message_of_the_stolen_account()
    {
        var run = lab.Require();
        var manifest = lab.Manifest("stolen-password");
        var victim = manifest.ExpectedCulprits[0].User!;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var result = LabProcess.Run(dotnet, [LabPaths.CliAssembly(), "trace", victim, run.Maillog, "--json"], TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, result.Describe());
        var chains = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // The query also matches mail other users sent to this address: keep what the account submitted.
        var sent = chains.Where(c => c.GetProperty("origin").GetString() == "smtp"
            && c.GetProperty("hops")[0].TryGetProperty("sasl_username", out var u) && u.GetString() == victim).ToList();
        Assert.All(chains.Where(c => c.GetProperty("origin").GetString() == "notification"),
            c => Assert.True(c.TryGetProperty("caused_by", out _), "a notification without caused_by"));
        var expected = manifest.Accepted.Where(m => m.Origin.User == victim).Select(m => m.QueueId!).Order().ToList();
        var found = sent.Select(c => c.GetProperty("queue_id").GetString()!).Order().ToList();
        output.WriteLine($"seed {lab.Seed}: trace {victim}: {chains.Count} chains, {sent.Count} submitted by it");
        Assert.Equal(expected, found);
    }
}
