namespace SpamTrace.Tests.Cli;

/// <summary>Every policy subcommand run where the policy service is not set up says so (exit 2), not an I/O exception text. Runs the real binary.</summary>
public sealed class PolicyNotConfiguredTests
{
    public static TheoryData<string[]> Subcommands => new()
    {
        new[] { "policy", "serve" },
        new[] { "policy", "check" },
        new[] { "policy", "status" },
        new[] { "policy", "block", "alice@example.org" },
        new[] { "policy", "release", "alice@example.org" },
        new[] { "policy", "greylist", "explain", "203.0.113.7" },
    };

    [Theory]
    [MemberData(nameof(Subcommands))]
    public async Task A_missing_config_named_with_c_is_reported_with_the_way_forward(string[] command)
    {
        var missing = Path.Combine(Path.GetTempPath(), $"spamtrace-no-policy-{Guid.NewGuid():N}", "policy.json");
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync([.. command, "-c", missing]);
        Assert.Equal(2, exit);
        Assert.Contains($"no policy config at {missing}: see README#policy-service, or -c FILE", stderr);
        Assert.DoesNotContain("Could not find", stderr + stdout);
    }

    [SkippableTheory]
    [MemberData(nameof(Subcommands))]
    public async Task Without_c_the_default_path_is_named(string[] command)
    {
        Skip.If(File.Exists("/etc/spamtrace/policy.json"), "this machine has a policy config at /etc/spamtrace/policy.json");
        var (exit, _, stderr) = await StrictOptionTests.RunAsync(command);
        Assert.Equal(2, exit);
        Assert.Contains("no policy config at /etc/spamtrace/policy.json: see README#policy-service, or -c FILE", stderr);
    }
}
