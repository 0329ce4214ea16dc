using SpamTrace.Lab.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SpamTrace.Lab.Tests.Policy;

/// <summary>Greylisting behind a real Postfix: an Internet client's first message gets 450, its retry after the delay is delivered; authenticated submission never waits.</summary>
[Trait("Category", "Lab")]
public sealed class GreylistLabTests(GreylistLabFixture lab, ITestOutputHelper output) : IClassFixture<GreylistLabFixture>
{
    [SkippableFact]
    public void A_first_message_from_an_internet_client_is_deferred_with_450_and_its_retry_after_the_delay_is_delivered()
    {
        var run = lab.Require();
        var first = lab.SendInbound("198.18.44.7", "news-1234@sender.example", "sam@lab.example", "first try");
        Assert.NotEqual(0, first.ExitCode);
        Assert.Contains("450 4.7.1", first.Stdout);
        Assert.Contains("Greylisted, retry in", first.Stdout);
        // A retry before the delay: still deferred, with fewer seconds to wait.
        var early = lab.SendInbound("198.18.44.7", "news-1235@sender.example", "sam@lab.example", "early retry");
        Assert.Contains("450 4.7.1", early.Stdout);
        Thread.Sleep(TimeSpan.FromSeconds(GreylistLabFixture.DelaySeconds + 1));
        // The retry after the delay, from another address of the same /24 and with another list number: delivered.
        var retry = lab.SendInbound("198.18.44.9", "news-1236@sender.example", "sam@lab.example", "retry after the delay");
        Assert.True(retry.ExitCode == 0, retry.Describe());
        Assert.Contains("250 2.0.0 Ok: queued", retry.Stdout);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!File.ReadLines(run.Maillog).Any(l => l.Contains("to=<sam@lab.example>", StringComparison.Ordinal) && l.Contains("status=sent", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, "the retried message was not delivered to sam's mailbox");
            Thread.Sleep(200);
        }
        var maillog = File.ReadAllLines(run.Maillog);
        Assert.Contains(maillog, l => l.Contains("NOQUEUE: reject: RCPT from", StringComparison.Ordinal) && l.Contains("450 4.7.1 <sam@lab.example>", StringComparison.Ordinal) && l.Contains("Greylisted", StringComparison.Ordinal));
        output.WriteLine(string.Join('\n', maillog.Where(l => l.Contains("Greylisted", StringComparison.Ordinal) || l.Contains("sam@lab.example", StringComparison.Ordinal))));
        Assert.Equal(2, lab.Greylister!.Metrics.Greylisted);
        Assert.Equal(1, lab.Greylister.Metrics.PassedAfterRetry);

        // explain, through the running service's admin socket, names the triplet and says it passes now.
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var explain = LabProcess.Run(dotnet, [LabPaths.CliAssembly(), "policy", "greylist", "explain", "198.18.44.7", "--config", lab.ConfigPath], TimeSpan.FromSeconds(60));
        Assert.True(explain.ExitCode == 0, explain.Describe());
        Assert.Contains("198.18.44.0/24/news-#@sender.example/sam@lab.example", explain.Stdout);
        Assert.Contains("passes", explain.Stdout);
    }

    [SkippableFact]
    public void Authenticated_submission_is_never_delayed()
    {
        lab.Require();
        var skippedBefore = lab.Greylister!.Metrics.Skipped;
        // From an Internet address (a user on the road), to an outside recipient and to a local one.
        var outside = lab.Submit("tina", "198.18.90.3", "friend@example.com", "from the road");
        Assert.True(outside.ExitCode == 0, outside.Describe());
        var local = lab.Submit("tina", "198.18.90.3", "sam@lab.example", "to a colleague");
        Assert.True(local.ExitCode == 0, local.Describe());
        Assert.Equal(skippedBefore + 2, lab.Greylister.Metrics.Skipped);
    }
}
