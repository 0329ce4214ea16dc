using System.Diagnostics;
using System.IO.Compression;

namespace SpamTrace.Tests.Reading;

/// <summary>The scan command as a user runs it: a separate process, stdin, exit codes.</summary>
public sealed class ScanCommandTests
{
    private static (int ExitCode, string Stdout, string Stderr) Scan(byte[]? stdin, params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
        var psi = new ProcessStartInfo("dotnet", ["exec", cli, "scan", .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(psi)!;
        if (stdin is not null)
        {
            process.StandardInput.BaseStream.Write(stdin);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "scan did not finish");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <remarks>Spectre.Console.Cli takes a lone "-" for an option, so the command line spells stdin /dev/stdin.</remarks>
    [Fact]
    public void StdinIsReadAndCompressedStdinToo()
    {
        var text = "Mar 23 05:01:52 mx postfix/qmgr[1]: A1: removed\nMar 23 05:01:53 mx postfix/qmgr[1]: A2: removed\n"u8.ToArray();
        var (code, stdout, _) = Scan(text, "/dev/stdin");
        Assert.Equal(0, code);
        Assert.Contains("lines: 2 ", stdout);

        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
        {
            z.Write(text);
        }
        (code, stdout, _) = Scan(gz.ToArray(), "/dev/stdin");
        Assert.Equal(0, code);
        Assert.Contains("lines: 2 ", stdout);
    }

    [Fact]
    public void ErrorsAreOneLineEachWithTheFileAndTheExitCodeSaysSo()
    {
        using var dir = new TempDir();
        var good = dir.Write("maillog", "Mar 23 05:01:52 mx \u001b[31mevil\n");
        var (code, stdout, _) = Scan(null, good, dir.File("missing.log"), "--unknown");
        Assert.Equal(2, code);
        Assert.Contains($"  {dir.File("missing.log")}: no such file or directory", stdout);
        // Escape sequences from the log never reach the terminal.
        Assert.DoesNotContain("\u001b", stdout);
        Assert.Contains("\\x1b[31mevil", stdout);
    }

    [Fact]
    public void NothingToReadIsAUsageError()
    {
        using var dir = new TempDir();
        var (code, _, stderr) = Scan(null, dir.File("nope"));
        Assert.Equal(2, code);
        Assert.Contains("no such file or directory", stderr.Replace("\n", "", StringComparison.Ordinal));
    }
}
