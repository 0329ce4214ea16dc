using System.Diagnostics;

namespace SpamTrace.Tests.Cli;

/// <summary>
/// A mistyped option or a stray argument stops the real binary with exit 2 and names the option: before strict
/// parsing, "diagnose --jsno FILE" took FILE as the value of --jsno and diagnosed the bundled sample instead.
/// </summary>
public sealed class StrictOptionTests
{
    [Theory]
    [InlineData("jsno", "--json", "diagnose", "--jsno")]
    [InlineData("sinse", "--since", "diagnose", "--sinse", "1h")]
    [InlineData("rwa", "--raw", "trace", "--rwa", "4F2A1C2B3D")]
    [InlineData("unknwon", "--unknown", "scan", "--unknwon")]
    [InlineData("confg", "--config", "policy", "check", "--confg", "/nonexistent")]
    [InlineData("smaple", "--sample", "queue", "--smaple", "5")]
    public async Task Unknown_option_is_an_error_naming_the_closest_valid_one(
        string unknown, string suggestion, params string[] command)
    {
        var log = Path.GetTempFileName();
        try
        {
            var (exit, stdout, stderr) = await RunAsync([.. command, log]);
            Assert.Equal(2, exit);
            Assert.Contains($"Unknown option '{unknown}'", stderr);
            Assert.Contains($"Did you mean {suggestion}?", stderr);
            Assert.DoesNotContain("OUTBOUND SPAM", stdout);
        }
        finally
        {
            File.Delete(log);
        }
    }

    [Fact]
    public async Task An_option_far_from_every_valid_one_points_to_help()
    {
        var (exit, _, stderr) = await RunAsync(["diagnose", "--zzzzzzzz"]);
        Assert.Equal(2, exit);
        Assert.Contains("Unknown option 'zzzzzzzz'. See --help", stderr);
    }

    [Theory]
    [InlineData("policy", "block", "alice", "bob")]
    [InlineData("queue", "extra")]
    [InlineData("policy", "status", "extra")]
    public async Task Extra_arguments_are_errors(params string[] command)
    {
        var (exit, _, stderr) = await RunAsync(command);
        Assert.Equal(2, exit);
        Assert.Contains("spamtrace:", stderr);
    }

    internal static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
        var psi = new ProcessStartInfo("dotnet", ["exec", cli, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["SPAMTRACE_STATE_DIR"] = Path.GetTempPath();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
