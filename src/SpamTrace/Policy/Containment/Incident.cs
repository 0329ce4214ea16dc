namespace SpamTrace.Policy.Containment;

/// <summary>Why and on what evidence an account was contained.</summary>
public sealed class Incident
{
    public long Id { get; set; }
    public required string User { get; init; }
    public required DateTimeOffset At { get; init; }

    /// <summary>The rule that fired: distinct-ips, distinct-networks, baseline, limit-hits, manual.</summary>
    public required string Reason { get; init; }

    /// <summary>Human-readable evidence: counts, thresholds, client IPs, last sender and client.</summary>
    public required string Evidence { get; init; }
    public bool Notified { get; set; }
}
