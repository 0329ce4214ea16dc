using System.Text.Json;
using SpamTrace.Tests.Cli;
using SpamTrace.Tests.Support;

namespace SpamTrace.Tests.Audit;

/// <summary>The real binary: strict options, exit codes, and the JSON report of a copied config.</summary>
public sealed class AuditCliTests
{
    [Fact]
    public async Task Unknown_option_exits_2()
    {
        var (exit, _, stderr) = await StrictOptionTests.RunAsync(["audit", "--config-dri", "/tmp"]);
        Assert.Equal(2, exit);
        Assert.Contains("config-dri", stderr);
    }

    [Fact]
    public async Task Missing_config_dir_exits_2_naming_it()
    {
        var (exit, _, stderr) = await StrictOptionTests.RunAsync(["audit", "--config-dir", "/nonexistent/postfix"]);
        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/postfix", stderr);
    }

    [Fact]
    public async Task Open_relay_config_gives_json_with_the_finding_and_exit_1()
    {
        using var fx = new AuditFixture();
        fx.Load("smtpd_relay_restrictions = permit_mynetworks, permit, reject_unauth_destination");
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["audit", "--config-dir", fx.Directory, "--json", "--fail-on", "high"]);
        Assert.True(exit == 1, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var ids = doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
        Assert.Contains("relay.open", ids);
        Assert.Contains(doc.RootElement.GetProperty("sections").EnumerateArray(), s => s.GetProperty("id").GetString() == "relay");
    }

    [SkippableFact]
    public async Task Corpus_config_with_only_and_fail_on_critical()
    {
        var corpus = SharedCorpora.Find("configs");
        Skip.If(corpus is null, "../shared/corpora/configs is absent");
        var dir = PostconfAgreementTests.CopyConfig(corpus!, "iredmail/postfix");
        try
        {
            var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["audit", "config", "--config-dir", dir, "--only", "relay.", "--fail-on", "critical"]);
            Assert.True(exit == 0, stdout + stderr);
            Assert.Contains("Who may send through each smtpd service", stdout);
            Assert.Contains("submission", stdout);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
