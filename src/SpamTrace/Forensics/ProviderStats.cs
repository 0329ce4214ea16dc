using SpamTrace.Common;
using SpamTrace.Reputation;

namespace SpamTrace.Forensics;

/// <summary>What one receiving provider answered us with: how often, since when, which rules, a sample reply.</summary>
public sealed class ProviderStats(string provider)
{
    public string Provider { get; } = provider;
    /// <summary>Remote recipients whose delivery got a reputation refusal from this provider.</summary>
    public long Refusals { get; set; }
    public DateTime FirstUtc { get; set; } = DateTime.MaxValue;
    public DateTime LastUtc { get; set; } = DateTime.MinValue;
    public BoundedCounter Rules { get; } = new(50);
    public Dictionary<ReplyClass, long> Classes { get; } = [];
    public ReplyVerdict? Example { get; set; }
    public string? ExampleReply { get; set; }
}
