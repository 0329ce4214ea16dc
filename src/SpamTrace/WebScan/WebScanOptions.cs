using SpamTrace.WebScan.Rules;
using SpamTrace.WebScan.Walking;

namespace SpamTrace.WebScan;

/// <summary>What <see cref="WebScanner"/> scans and how.</summary>
public sealed class WebScanOptions
{
    public required IReadOnlyList<string> Roots { get; init; }
    public RuleSet Rules { get; init; } = RuleSet.Default;
    public int Threshold { get; init; } = DefaultThreshold;
    public long MaxFileBytes { get; init; } = PhpFileReader.DefaultMaxBytes;
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>Called now and then with files and bytes read so far (a progress bar).</summary>
    public Action<long, long>? Progress { get; init; }

    public const int DefaultThreshold = 10;
}
