using SpamTrace.Lab.Tests.Infrastructure;

namespace SpamTrace.Lab.Tests;

/// <summary>The interface other engineers' tests rely on: private runs beside the shared one, hooks, clean stop.</summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class LabInterfaceTests(LabFixture lab)
{
    [SkippableFact]
    public void A_second_run_coexists_with_the_shared_one_takes_config_hooks_and_stops_cleanly()
    {
        var shared = lab.Require();
        string netns, configDir, maillog;
        using (var own = LabRun.StartNew("iface", new Dictionary<string, string>
        {
            ["LAB_USERS"] = "solo:s3cret-pw",
            ["LAB_POSTCONF"] = "message_size_limit = 1234567",
        }))
        {
            netns = own.Env["LAB_NETNS"];
            configDir = own.ConfigDirectory;
            maillog = own.Maillog;
            Assert.NotEqual(shared.Env["LAB_NETNS"], netns);
            Assert.Equal("1234567", own.Postfix("postconf", "-h", "message_size_limit").Stdout.Trim());
            var manifest = own.Play("legit", "--users", "solo", "--count", "2", "--seed", "7");
            var sent = manifest.Accepted.Select(m => m.QueueId!).ToList();
            Assert.Equal(2, sent.Count);
            var ownLog = File.ReadAllText(maillog);
            var sharedLog = File.ReadAllText(shared.Maillog);
            Assert.All(sent, id => Assert.Contains($"{id}: client=", ownLog, StringComparison.Ordinal));
            Assert.All(sent, id => Assert.DoesNotContain($"{id}: client=", sharedLog, StringComparison.Ordinal));
            Assert.Contains("sasl_username=solo@lab.example", ownLog, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(netns, LabProcess.Check("ip", ["netns", "list"], TimeSpan.FromSeconds(10)).Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(configDir, File.ReadAllText("/etc/postfix/main.cf"), StringComparison.Ordinal);
        // The shared run is untouched by the other's stop.
        Assert.Contains(shared.Env["LAB_NETNS"], LabProcess.Check("ip", ["netns", "list"], TimeSpan.FromSeconds(10)).Stdout, StringComparison.Ordinal);
    }
}
