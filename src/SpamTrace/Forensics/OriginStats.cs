namespace SpamTrace.Forensics;

/// <summary>
/// Everything diagnose keeps about one origin of outbound mail: counters, capped distinct sets and a sparse
/// per-minute histogram. Its size does not depend on how many messages the origin sent.
/// </summary>
public sealed class OriginStats(OriginId id)
{
    private const int DistinctCap = 20_000;

    public OriginId Id { get; } = id;
    public string? UserName { get; set; }

    public long Messages { get; set; }
    public long RemoteRecipients { get; set; }
    public long Sent { get; set; }
    /// <summary>Remote recipients deferred at least once (the last status or an earlier attempt).</summary>
    public long DeferredOnce { get; set; }
    public long StillDeferred { get; set; }
    public long Bounced { get; set; }
    public long Expired { get; set; }
    /// <summary>Remote recipients refused for our IP's or domain's reputation (blocklist, rate limit for complaints...).</summary>
    public long ReputationRefusals { get; set; }
    /// <summary>Remote recipients refused because they do not exist (harvested or forged lists).</summary>
    public long UnknownRecipients { get; set; }
    public long FreeMailRecipients { get; set; }
    /// <summary>Authenticated messages whose envelope sender is not the login.</summary>
    public long SenderMismatches { get; set; }
    /// <summary>Messages still in the queue when the log ends (never removed).</summary>
    public long OpenMessages { get; set; }

    public BoundedSet RecipientDomains { get; } = new(DistinctCap);
    public BoundedSet ClientIps { get; } = new(DistinctCap);
    /// <summary>When each client IP first sent as this origin (for failures before the first success from that IP).</summary>
    public Dictionary<string, DateTime> IpFirstSeen { get; } = new(StringComparer.OrdinalIgnoreCase);
    public BoundedSet Networks { get; } = new(DistinctCap);
    public BoundedSet Senders { get; } = new(DistinctCap);
    /// <summary>Queue IDs of messages still queued at the end of the log, to count them in a queue snapshot.</summary>
    public BoundedSet OpenQueueIds { get; } = new(200_000);
    public BoundedCounter Scripts { get; } = new(100);
    public BoundedCounter ScriptOwners { get; } = new(100);
    public BoundedCounter Helos { get; } = new(100);
    public List<string> SampleQueueIds { get; } = [];
    public List<string> SampleRecipients { get; } = [];

    public DateTime FirstSeenUtc { get; set; } = DateTime.MaxValue;
    public DateTime LastSeenUtc { get; set; } = DateTime.MinValue;
    public MinuteHistogram Timeline { get; } = new();

    public double RecipientsPerMessage => Messages == 0 ? 0 : (double)RemoteRecipients / Messages;
    public double DeferralRate => Rate(DeferredOnce);
    public double BounceRate => Rate(Bounced + Expired);
    public double ReputationRate => Rate(ReputationRefusals);
    public double FreeMailShare => Rate(FreeMailRecipients);
    public double UnknownRecipientRate => Rate(UnknownRecipients);

    private double Rate(long n) => RemoteRecipients == 0 ? 0 : (double)n / RemoteRecipients;
}
