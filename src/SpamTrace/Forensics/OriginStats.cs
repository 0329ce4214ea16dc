using SpamTrace.Common;
namespace SpamTrace.Forensics;

/// <summary>
/// Everything diagnose keeps about one origin of outbound mail: counters, capped distinct sets and a sparse
/// per-minute histogram. Its size does not depend on how many messages the origin sent.
/// </summary>
public sealed class OriginStats(OriginId id)
{
    private const int DistinctCap = 20_000;

    public OriginId Id { get; } = id;
    /// <summary>Its place in the order origins were first seen, for tables that refer to it without a reference.</summary>
    internal int Index { get; init; }
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
    /// <summary>
    /// Remote recipients per domain, with distinct addresses (a mailer writes to many strangers, a contact form to a
    /// few fixed ones): which domains are ours is only known at the end of the log.
    /// </summary>
    public RecipientTally Tally { get; } = new();
    /// <summary>
    /// Remote recipients in our own domains (a relay domain's next hop), set when judging: such mail is inbound or
    /// internal, not outbound.
    /// </summary>
    public long InternalRecipients { get; set; }
    /// <summary>Recipients handed to other hosts outside our own domains: what this origin really sent out.</summary>
    public long ExternalRecipients => RemoteRecipients - InternalRecipients;
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

    /// <summary>For notifications: how many of their recipients each cause's origin accounts for ("relay:192.0.2.7" -> 12).</summary>
    public BoundedCounter CausedBy { get; } = new(10_000);

    public DateTime FirstSeenUtc { get; set; } = DateTime.MaxValue;
    public DateTime LastSeenUtc { get; set; } = DateTime.MinValue;
    public MinuteHistogram Timeline { get; } = new();

    public double RecipientsPerMessage => Messages == 0 ? 0 : (double)RemoteRecipients / Messages;
    public double DeferralRate => Rate(DeferredOnce);
    public double BounceRate => Rate(Bounced + Expired);
    public double ReputationRate => Rate(ReputationRefusals);
    public double FreeMailShare => Rate(FreeMailRecipients);
    public double UnknownRecipientRate => Rate(UnknownRecipients);

    /// <summary>The sum of several origins (an open relay's clients judged together); sets stay capped.</summary>
    public static OriginStats Merge(OriginId id, IReadOnlyCollection<OriginStats> parts)
    {
        var m = new OriginStats(id);
        foreach (var p in parts)
        {
            m.Messages += p.Messages;
            m.RemoteRecipients += p.RemoteRecipients;
            m.Sent += p.Sent;
            m.DeferredOnce += p.DeferredOnce;
            m.StillDeferred += p.StillDeferred;
            m.Bounced += p.Bounced;
            m.Expired += p.Expired;
            m.ReputationRefusals += p.ReputationRefusals;
            m.UnknownRecipients += p.UnknownRecipients;
            m.FreeMailRecipients += p.FreeMailRecipients;
            m.OpenMessages += p.OpenMessages;
            m.InternalRecipients += p.InternalRecipients;
            foreach (var d in p.RecipientDomains.Items)
            {
                m.RecipientDomains.Add(d);
            }
            m.Tally.AddAll(p.Tally);
            foreach (var ip in p.ClientIps.Items)
            {
                m.ClientIps.Add(ip);
            }
            foreach (var sender in p.Senders.Items)
            {
                m.Senders.Add(sender);
            }
            m.FirstSeenUtc = p.FirstSeenUtc < m.FirstSeenUtc ? p.FirstSeenUtc : m.FirstSeenUtc;
            m.LastSeenUtc = p.LastSeenUtc > m.LastSeenUtc ? p.LastSeenUtc : m.LastSeenUtc;
        }
        return m;
    }

    private double Rate(long n) => RemoteRecipients == 0 ? 0 : (double)n / RemoteRecipients;
}
