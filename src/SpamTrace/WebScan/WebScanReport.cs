using SpamTrace.WebScan.Scoring;

namespace SpamTrace.WebScan;

/// <summary>The result of a scan: what was read, and every file that scored, highest first.</summary>
public sealed class WebScanReport
{
    public required IReadOnlyList<string> Roots { get; init; }
    public required int Threshold { get; init; }
    public long FilesSeen { get; set; }
    public long PhpFiles { get; set; }
    public long Bytes { get; set; }
    public int SkippedLinks { get; set; }
    public List<string> Errors { get; } = [];
    public TimeSpan Elapsed { get; set; }
    /// <summary>Files with a score above zero or a focus, ranked.</summary>
    public List<ScoredFile> Files { get; set; } = [];
    public IEnumerable<ScoredFile> Flagged => Files.Where(f => f.Flagged(Threshold));
    /// <summary>Linter exit code: 1 when a file is flagged.</summary>
    public int ExitCode => Flagged.Any() ? 1 : 0;
}
