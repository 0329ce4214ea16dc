using SpamTrace.Tests.Support;

namespace SpamTrace.Tests.Cli;

/// <summary>policy check shows the config's choices in words, never C# enum identifiers. Runs the real binary on dist/policy.example.json.</summary>
public sealed class PolicyCheckNamesTests
{
    [SkippableFact]
    public async Task The_example_config_is_shown_with_readable_names()
    {
        var repo = SharedCorpora.RepositoryRoot();
        var example = repo is null ? null : Path.Combine(repo, "dist", "policy.example.json");
        Skip.If(example is null || !File.Exists(example), "dist/policy.example.json not in this checkout");
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["policy", "check", "-c", example!]);
        Assert.True(exit == 0, stderr);
        Assert.Contains("SASL login (sasl_username)", stdout);
        Assert.Contains("store: embedded (SQLite)", stdout);
        foreach (var identifier in new[] { "SaslUsername", "SenderDomain", "ClientAddress", "ClientNetwork", "RecipientDomain", "RecipientsPerMessage", "Sliding", "Bucket", "Embedded" })
        {
            Assert.DoesNotContain(identifier, stdout, StringComparison.Ordinal);
        }
    }
}
