namespace SpamTrace.WebScan.Scoring;

/// <summary>A scanned PHP file: its score, the reasons adding up to it, and how it was read.</summary>
public sealed class ScoredFile
{
    public required string Path { get; init; }
    public required long Size { get; init; }
    public required int Score { get; init; }
    public required IReadOnlyList<ScoreReason> Reasons { get; init; }
    /// <summary>Only the head and tail of a huge file were read.</summary>
    public bool Sampled { get; init; }
    public int DecodedLayers { get; init; }
    public int? Uid { get; init; }
    public DateTimeOffset? Modified { get; init; }
    public DateTimeOffset? Changed { get; init; }
    /// <summary>Why the mail side puts this file first (named by diagnose, owned by the uid, changed around the burst).</summary>
    public List<string> Focus { get; } = [];
    public int FocusWeight { get; set; }
    public bool Flagged(int threshold) => Score >= threshold;
}
