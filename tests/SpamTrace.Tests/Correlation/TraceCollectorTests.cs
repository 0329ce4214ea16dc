using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Query;

namespace SpamTrace.Tests.Correlation;

/// <summary>Notifications emitted before the message that caused them matched: claimed later, and only by their cause.</summary>
public class TraceCollectorTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    private static MessageChain Chain(string queueId, OriginKind origin, string sender, string to, ChainLink? causedBy = null, string? notification = null)
    {
        var r = new MessageRecord
        {
            Host = "mx",
            QueueId = queueId,
            FirstSeenUtc = Start,
            LastSeenUtc = Start,
            Origin = origin,
            Sender = sender,
            EntrySeen = true,
            Fate = MessageFate.Removed,
        };
        r.Recipients.Add(new RecipientResult { Address = to, Status = DeliveryStatus.Sent, Hop = HopKind.Local, Agent = "virtual", TimeUtc = Start });
        if (notification is not null)
        {
            r.AddNotification(notification);
        }
        return new MessageChain([r], causedBy, false);
    }

    private static List<string> Trace(string query, params MessageChain[] chains)
    {
        var found = new List<string>();
        var collector = new TraceCollector(ChainQuery.Parse(query), c => found.Add(c.Root.QueueId));
        foreach (var chain in chains)
        {
            collector.OnChain(chain);
        }
        return found;
    }

    [Fact]
    public void A_notification_seen_first_is_claimed_when_its_cause_matches()
    {
        var bounce = Chain("B0000000001", OriginKind.Notification, "", "alice@example.com", new ChainLink("mx", "A0000000001"));
        var cause = Chain("A0000000001", OriginKind.Smtp, "alice@example.com", "nobody@example.net");
        Assert.Equal(["A0000000001", "B0000000001"], Trace("nobody@example.net", bounce, cause));
        Assert.Equal(["A0000000001", "B0000000001"], Trace("A0000000001", bounce, cause));
    }

    [Fact]
    public void A_notification_seen_first_is_claimed_when_a_match_names_it()
    {
        // Its own link names a queue file the log does not show; the match's "sender non-delivery notification" names it.
        var bounce = Chain("B0000000002", OriginKind.Notification, "", "postmaster@example.com", new ChainLink("mx", "Z0000000002"));
        var cause = Chain("A0000000002", OriginKind.Smtp, "carol@example.com", "nobody@example.net", notification: "B0000000002");
        Assert.Equal(["A0000000002", "B0000000002"], Trace("carol@example.com", bounce, cause));
    }

    [Fact]
    public void A_reused_queue_id_does_not_claim_the_older_notification_that_had_it()
    {
        // Postfix reuses queue IDs: the notification B0000000003 (caused by an unrelated message) is still waiting
        // when a new message that matches gets the same ID. Only its cause, or a match naming it, may claim it.
        var oldBounce = Chain("B0000000003", OriginKind.Notification, "", "karin@example.com", new ChainLink("mx", "C0000000003"));
        var reused = Chain("B0000000003", OriginKind.Smtp, "x@example.net", "sven@example.com");
        Assert.Equal(["B0000000003"], Trace("sven@example.com", oldBounce, reused));
    }
}
