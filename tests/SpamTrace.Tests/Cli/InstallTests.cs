using System.Diagnostics;
using SpamTrace.Tests.Support;

namespace SpamTrace.Tests.Cli;

/// <summary>`./spamtrace install [--prefix DIR]`: the checkout's wrapper publishes the self-contained binary and installs it on PATH.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InstallTests : IDisposable
{
    private readonly DirectoryInfo _prefix = Directory.CreateTempSubdirectory("spamtrace-install-");

    public void Dispose() => _prefix.Delete(recursive: true);

    private static string Wrapper()
    {
        var repo = SharedCorpora.RepositoryRoot();
        Skip.If(repo is null || !File.Exists(Path.Combine(repo, "spamtrace")), "the spamtrace wrapper script is not in this checkout");
        return Path.Combine(repo!, "spamtrace");
    }

    private static (int Exit, string Stdout, string Stderr) Run(string program, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(timeout), $"{program} {string.Join(' ', args)} did not finish in {timeout}");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [SkippableTheory]
    [InlineData("--prefx", "unknown option '--prefx'")]
    [InlineData("--prefix", "--prefix needs a directory")]
    public void Bad_install_options_are_refused_before_building(string option, string message)
    {
        var (exit, _, stderr) = Run(Wrapper(), TimeSpan.FromSeconds(30), "install", option);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr);
        Assert.DoesNotContain("publishing", stderr);
    }

    /// <summary>A whole self-contained publish: minutes on a busy machine, hence with the lab tests.</summary>
    [SkippableFact]
    [Trait("Category", "Lab")]
    public void Install_puts_a_working_self_contained_spamtrace_under_the_prefix_and_says_what_it_builds()
    {
        var (exit, stdout, stderr) = Run(Wrapper(), TimeSpan.FromMinutes(15), "install", "--prefix", _prefix.FullName);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("spamtrace: publishing the self-contained binary", stderr);
        Assert.Contains("spamtrace: built in ", stderr);
        var installed = Path.Combine(_prefix.FullName, "bin", "spamtrace");
        Assert.Contains($"installed {installed}", stdout);
        Assert.Contains("is not on PATH", stdout);
        Assert.True(File.GetUnixFileMode(installed).HasFlag(UnixFileMode.UserExecute));

        // It runs without the SDK's help: no dotnet on its PATH.
        var psi = new ProcessStartInfo(installed, ["policy", "check", "-c", "/nonexistent/policy.json"]) { RedirectStandardError = true };
        psi.Environment["PATH"] = "/usr/bin:/bin";
        psi.Environment.Remove("DOTNET_ROOT");
        using var p = Process.Start(psi)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("no policy config at /nonexistent/policy.json", error);
    }
}
