using SpamTrace.Lab.Tests.Infrastructure;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Lab.Tests;

[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class OpenRelayAndBackscatterTests(LabFixture lab)
{
    [SkippableFact]
    public void Correct_listener_answers_relay_access_denied_and_the_open_one_relays()
    {
        var run = lab.Require();
        var manifest = lab.Manifest("open-relay");
        var maillog = File.ReadAllLines(run.Maillog);
        Assert.NotEmpty(manifest.Rejections);
        foreach (var r in manifest.Rejections)
        {
            Assert.StartsWith("554 5.7.1", r.Reply, StringComparison.Ordinal);
            Assert.Contains(maillog, l => l.Contains($"NOQUEUE: reject: RCPT from unknown[{r.ClientIp}]: 554 5.7.1 <{r.Recipient}>: Relay access denied", StringComparison.Ordinal));
        }
        var relayed = manifest.Accepted.ToList();
        Assert.NotEmpty(relayed);
        Assert.All(relayed, m => Assert.Contains(m.Origin.ClientIp!, manifest.ExpectedCulprits[0].ClientIps!));
        Assert.All(relayed, m => Assert.Null(lab.Chains.Find(m)?.Root.SaslUser));
        Assert.All(relayed, m => Assert.True(lab.Chains.Find(m)?.IsOutbound, $"seed {lab.Seed}: {m} not outbound"));
    }

    [SkippableFact]
    public void Unknown_users_of_the_relay_domain_are_rejected_by_the_correct_listener_and_bounced_by_the_other()
    {
        var run = lab.Require();
        var manifest = lab.Manifest("backscatter");
        var maillog = File.ReadAllLines(run.Maillog);
        Assert.NotEmpty(manifest.Rejections);
        foreach (var r in manifest.Rejections)
        {
            Assert.Contains(maillog, l => l.Contains($"RCPT from unknown[{r.ClientIp}]: 550 5.1.1 <{r.Recipient}>: Recipient address rejected: User unknown in relay recipient table", StringComparison.Ordinal));
        }
        foreach (var m in manifest.Accepted)
        {
            var chain = lab.Chains.Find(m);
            Assert.NotNull(chain);
            var bounce = Assert.Single(lab.Chains.NotificationsFor(chain));
            Assert.Equal(OriginKind.Notification, bounce.Origin);
            Assert.Equal(m.Sender, bounce.FinalRecipients.Single().Address, ignoreCase: true);
            Assert.True(string.IsNullOrEmpty(bounce.Root.Sender), $"seed {lab.Seed}: bounce sender <{bounce.Root.Sender}>");
        }
    }
}
