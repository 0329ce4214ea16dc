using System.Diagnostics;
using System.Globalization;
using SpamTrace.WebScan;
using Xunit.Abstractions;

namespace SpamTrace.Tests.WebScan;

/// <summary>
/// False positives on real clean PHP: Debian's wordpress, phpmyadmin and roundcube-core, downloaded with apt-get
/// and unpacked with dpkg-deb into a temporary directory (skipped when apt cannot download them).
/// </summary>
public sealed class WebScanCleanPackagesTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Packages = ["wordpress", "phpmyadmin", "roundcube-core"];

    private readonly string work = Path.Combine(Path.GetTempPath(), "spamtrace-webscan-deb-" + Guid.NewGuid().ToString("N"));

    [SkippableFact]
    public void Clean_debian_php_packages_are_flagged_at_most_half_a_percent()
    {
        Directory.CreateDirectory(work);
        foreach (var package in Packages)
        {
            var (code, error) = Run("apt-get", work, "download", package);
            Skip.If(code != 0, $"apt-get download {package} failed ({error.Trim()}): clean-package false positives not measured");
        }
        long totalFiles = 0, totalFlagged = 0;
        foreach (var deb in Directory.GetFiles(work, "*.deb"))
        {
            var package = Path.GetFileName(deb).Split('_')[0];
            var tree = Path.Combine(work, package);
            var (code, error) = Run("dpkg-deb", work, "-x", deb, tree);
            Assert.True(code == 0, $"dpkg-deb -x {deb}: {error}");
            var report = new WebScanner(new WebScanOptions { Roots = [tree] }).Scan();
            var flagged = report.Flagged.ToList();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{package}: {flagged.Count}/{report.PhpFiles} PHP files flagged ({100.0 * flagged.Count / Math.Max(1, report.PhpFiles):0.00}%) in {report.Elapsed.TotalSeconds:0.00} s{string.Concat(flagged.Select(f => $"\n  {f.Score} {Path.GetRelativePath(tree, f.Path)}: {string.Join(", ", f.Reasons.Select(r => r.RuleId))}"))}"));
            Assert.True(report.PhpFiles > 100, $"{package}: only {report.PhpFiles} PHP files");
            totalFiles += report.PhpFiles;
            totalFlagged += flagged.Count;
            Assert.True(flagged.Count * 200 <= report.PhpFiles, $"{package}: {flagged.Count}/{report.PhpFiles} flagged, more than 0.5%");
        }
        Assert.Equal(Packages.Length, Directory.GetFiles(work, "*.deb").Length);
        output.WriteLine($"all: {totalFlagged}/{totalFiles}");
    }

    private static (int Code, string Error) Run(string program, string directory, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments) { info.ArgumentList.Add(argument); }
        try
        {
            using var process = Process.Start(info)!;
            process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out");
            }
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(work))
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
