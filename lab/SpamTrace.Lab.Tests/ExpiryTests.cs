using SpamTrace.Lab.Tests.Infrastructure;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Lab.Tests;

/// <summary>Mail Postfix gives up on (a private run with LAB_PROFILE=fast-expiry): delay warning, expiry, bounce.</summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class ExpiryTests(LabFixture lab)
{
    [SkippableFact]
    public void Undeliverable_mail_gets_a_delay_warning_then_expires_and_returns_to_the_sender()
    {
        lab.Require();
        using var run = LabRun.StartNew("expire", new Dictionary<string, string> { ["LAB_PROFILE"] = "fast-expiry" });
        var count = 1 + (lab.Seed % 3);
        var manifest = run.Play("expire", "--seed", lab.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(count, manifest.Accepted.Count());
        var log = File.ReadAllLines(run.Maillog);
        Assert.Equal(count, log.Count(l => l.Contains("status=expired, returned to sender", StringComparison.Ordinal)));
        Assert.True(log.Count(l => l.Contains("sender delay notification:", StringComparison.Ordinal)) >= count);

        var chains = ChainIndex.Build(run.Maillog);
        var errors = new List<string>();
        foreach (var message in manifest.Accepted)
        {
            ChainExpectations.Check(message, chains, errors);
            var chain = chains.Find(message);
            if (chain is null)
            {
                continue;
            }
            var notices = chains.NotificationsFor(chain).ToList();
            if (notices.Count < 2)
            {
                errors.Add($"{message}: {notices.Count} notifications linked, expected a delay warning and a bounce");
            }
            if (!notices.All(n => n.FinalRecipients.Any(r => r.Hop == HopKind.Local && string.Equals(r.Address, message.Sender, StringComparison.OrdinalIgnoreCase))))
            {
                errors.Add($"{message}: not every notification was delivered into the sender's mailbox");
            }
        }
        Assert.True(errors.Count == 0, $"seed {lab.Seed}: " + string.Join("\n", errors));
    }
}
