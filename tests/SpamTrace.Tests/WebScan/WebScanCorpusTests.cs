using System.Globalization;
using SpamTrace.Tests.Support;
using SpamTrace.WebScan;
using Xunit.Abstractions;

namespace SpamTrace.Tests.WebScan;

/// <summary>Detection rates on ../shared/corpora/php: bartblaze's backdoors, php-malware-finder's samples, the mailers, clean PHPMailer.</summary>
public sealed class WebScanCorpusTests(ITestOutputHelper output)
{
    private static string Corpus() =>
        SharedCorpora.Find("php") ?? throw new SkipException("../shared/corpora/php is absent: corpus detection rates not measured");

    private (int Flagged, int Total, List<string> Missed) Rate(string directory)
    {
        var report = new WebScanner(new WebScanOptions { Roots = [directory] }).Scan();
        var samples = Directory.EnumerateFiles(directory, "*.php", SearchOption.AllDirectories).Select(Path.GetFullPath).ToList();
        var flagged = report.Flagged.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var missed = samples.Where(s => !flagged.Contains(s)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var hit = samples.Count - missed.Count;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetRelativePath(Corpus(), directory)}: {hit}/{samples.Count} flagged ({100.0 * hit / Math.Max(1, samples.Count):0.0}%) in {report.Elapsed.TotalSeconds:0.00} s; missed: {string.Join(", ", missed)}"));
        return (hit, samples.Count, missed);
    }

    [SkippableFact]
    public void Bartblaze_obfuscated_backdoors_are_found()
    {
        var (flagged, total, _) = Rate(Path.Combine(Corpus(), "bartblaze-PHP-backdoors", "Obfuscated"));
        Assert.Equal(105, total);
        Assert.True(flagged >= 102, $"{flagged}/{total}");
    }

    [SkippableFact]
    public void Bartblaze_deobfuscated_backdoors_are_found()
    {
        var (flagged, total, _) = Rate(Path.Combine(Corpus(), "bartblaze-PHP-backdoors", "Deobfuscated"));
        Assert.Equal(79, total);
        Assert.True(flagged >= 69, $"{flagged}/{total}");
    }

    [SkippableFact]
    public void Every_mailer_shell_is_found()
    {
        var directory = Path.Combine(Corpus(), "bartblaze-PHP-backdoors", "Deobfuscated");
        var mailers = Directory.GetFiles(directory, "Mail*Shell_*.php");
        Assert.Equal(6, mailers.Length);
        var report = new WebScanner(new WebScanOptions { Roots = [directory] }).Scan();
        foreach (var mailer in mailers)
        {
            var file = report.Flagged.SingleOrDefault(f => f.Path == Path.GetFullPath(mailer));
            Assert.True(file is not null, $"{Path.GetFileName(mailer)} not flagged");
            Assert.Contains(file.Reasons, r => r.RuleId.StartsWith("mail", StringComparison.Ordinal) || r.RuleId.StartsWith("smtp", StringComparison.Ordinal) || r.RuleId is "mass-mail-kit" or "no-time-limit");
            output.WriteLine($"{Path.GetFileName(mailer)}: {file.Score} ({string.Join(", ", file.Reasons.Select(r => r.RuleId))})");
        }
    }

    [SkippableFact]
    public void Php_malware_finder_samples_are_found_at_the_measured_rate()
    {
        var (flagged, total, _) = Rate(Path.Combine(Corpus(), "php-malware-finder", "samples"));
        Assert.Equal(28, total);
        Assert.True(flagged >= 18, $"{flagged}/{total}");
    }

    [SkippableFact]
    public void The_clean_phpmailer_is_not_flagged()
    {
        var (flagged, total, _) = Rate(Path.Combine(Corpus(), "clean", "PHPMailer"));
        Assert.True(total >= 7);
        Assert.Equal(0, flagged);
    }
}
