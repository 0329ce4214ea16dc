using System.Text.Json;
using SpamTrace.Lab.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SpamTrace.Lab.Tests.Policy;

/// <summary>spamtrace policy behind a real Postfix: limits, other users untouched, containment into the hold queue, release.</summary>
[Trait("Category", "Lab")]
public sealed class PolicyLabTests(PolicyLabFixture lab, ITestOutputHelper output) : IClassFixture<PolicyLabFixture>
{
    [SkippableFact]
    public void An_account_over_its_limit_is_deferred_by_postfix_and_other_users_are_untouched()
    {
        lab.Require();
        var results = Enumerable.Range(1, 5).Select(i => lab.Send("pamela", "127.0.9.1", $"friend{i}@example.com", $"pamela {i}")).ToList();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(results[i].ExitCode == 0, $"message {i + 1} of 3 allowed should pass: {results[i].Describe()}");
        }
        foreach (var deferred in results.Skip(3))
        {
            Assert.NotEqual(0, deferred.ExitCode);
            Assert.Contains("450 4.7.1", deferred.Stdout);
            Assert.Contains("Sending rate limit exceeded", deferred.Stdout);
        }
        foreach (var i in Enumerable.Range(1, 2))
        {
            var other = lab.Send("quentin", "127.0.9.2", $"colleague{i}@example.com", $"quentin {i}");
            Assert.True(other.ExitCode == 0, other.Describe());
        }
        var maillog = File.ReadAllText(lab.Run!.Maillog);
        Assert.Contains("Recipient address rejected: Sending rate limit exceeded", maillog);
        output.WriteLine(string.Join('\n', maillog.Split('\n').Where(l => l.Contains("rate limit", StringComparison.Ordinal))));
    }

    [SkippableFact]
    public void A_contained_account_has_its_mail_held_until_release_lets_it_go()
    {
        var run = lab.Require();
        Assert.Equal(0, lab.Send("rosa", "127.0.8.1", "a@example.com", "rosa 1").ExitCode);
        Assert.Equal(0, lab.Send("rosa", "127.0.8.2", "b@example.com", "rosa 2").ExitCode);
        // A third client IP within the hour: the account is contained, and this message goes to the hold queue.
        var third = lab.Send("rosa", "127.0.8.3", "c@example.com", "rosa 3");
        Assert.True(third.ExitCode == 0, third.Describe());
        var held = HeldFrom(run, "rosa@lab.example");
        Assert.Single(held);
        Assert.Equal("rosa@lab.example", Assert.Single(lab.Store!.ContainedAsync(default).AsTask().Result).User);
        Assert.Contains("spamtrace: sending suspended", File.ReadAllText(run.Maillog));

        // Still contained from a known IP; other users untouched.
        Assert.Equal(0, lab.Send("rosa", "127.0.8.1", "d@example.com", "rosa 4").ExitCode);
        Assert.Equal(2, HeldFrom(run, "rosa@lab.example").Count);
        Assert.Equal(0, lab.Send("quentin", "127.0.9.2", "e@example.com", "quentin later").ExitCode);

        // The admin releases the account with the CLI (through the running service's admin socket) ...
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var heldIds = HeldFrom(run, "rosa@lab.example");
        var release = LabProcess.Run(dotnet, [LabPaths.CliAssembly(), "policy", "release", "rosa@lab.example", "--config", lab.ConfigPath,
            "--requeue", "--postfix-config", run.ConfigDirectory], TimeSpan.FromSeconds(60));
        Assert.True(release.ExitCode == 0, release.Describe());
        Assert.Contains("released", release.Stdout);
        // ... the held mail (exactly the messages held by the containment) leaves the hold queue and is delivered ...
        Assert.Contains("released 2 held message(s) from the hold queue:", release.Stdout);
        Assert.Equal(2, heldIds.Count);
        Assert.All(heldIds, id => Assert.Contains(id, release.Stdout));
        // ... and new mail flows.
        Assert.Equal(0, lab.Send("rosa", "127.0.8.1", "f@example.com", "rosa after release").ExitCode);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (HeldFrom(run, "rosa@lab.example").Count > 0 || QueuedFrom(run, "rosa@lab.example") > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "rosa's released mail did not leave the queue");
            Thread.Sleep(200);
        }
    }

    private static List<string> HeldFrom(LabRun run, string sender) =>
        Queue(run).Where(q => q.GetProperty("queue_name").GetString() == "hold" && q.GetProperty("sender").GetString() == sender)
            .Select(q => q.GetProperty("queue_id").GetString()!).ToList();

    private static int QueuedFrom(LabRun run, string sender) =>
        Queue(run).Count(q => q.GetProperty("sender").GetString() == sender);

    private static List<JsonElement> Queue(LabRun run) =>
        run.Postfix("postqueue", "-j").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
}
