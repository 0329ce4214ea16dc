using System.Diagnostics;

namespace SpamTrace.Tests.Cli;

/// <summary>Every command's --help renders: option descriptions are console markup, where "[...]" is a style.</summary>
public sealed class HelpTests
{
    [Theory]
    [InlineData("trace")]
    [InlineData("diagnose")]
    [InlineData("scan")]
    [InlineData("queue")]
    [InlineData("contain")]
    [InlineData("policy", "serve")]
    [InlineData("policy", "check")]
    [InlineData("policy", "status")]
    [InlineData("policy", "block")]
    [InlineData("policy", "release")]
    public async Task Help_renders_and_exits_zero(params string[] command)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
        var psi = new ProcessStartInfo("dotnet", ["exec", cli, .. command, "--help"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
        Assert.Contains("OPTIONS:", await stdout);
    }
}
