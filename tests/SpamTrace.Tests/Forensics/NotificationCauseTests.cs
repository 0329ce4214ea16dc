using SpamTrace.Forensics;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Forensics;

public class NotificationCauseTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_notification_is_credited_to_the_origin_of_the_message_that_failed()
    {
        var f = new ChainFactory();
        var o = new DiagnoseObserver(UidNames.None);
        var failed = f.Relay(Start, "203.0.113.9", "x@forged.example", ["a@remote.example"], DeliveryStatus.Bounced, "5.1.1", "550 5.1.1 User unknown");
        o.OnChain(failed);
        o.OnChain(f.Bounce(Start.AddMinutes(1), "x@forged.example", causedBy: failed.Root.QueueId));
        o.OnChain(f.Bounce(Start.AddMinutes(2), "y@forged.example", causedBy: "NOTSEEN1"));
        Assert.False(o.Origins[new OriginId(CulpritKind.Bounce, "")].CausedBy.Counts.ContainsKey("unknown"));
        o.SettlePendingNotices();
        var counts = o.Origins[new OriginId(CulpritKind.Bounce, "")].CausedBy.Counts;
        Assert.Equal(1, counts["relay:203.0.113.9"]);
        Assert.Equal(1, counts["unknown"]);
    }

    [Fact]
    public void At_the_cap_the_oldest_failures_are_forgotten_and_new_ones_still_linked()
    {
        var f = new ChainFactory();
        var o = new DiagnoseObserver(UidNames.None) { FailedMessagesCap = 2 };
        var failed = Enumerable.Range(1, 3)
            .Select(i => f.Relay(Start.AddMinutes(i), $"203.0.113.{i}", "x@forged.example", [$"a{i}@remote.example"], DeliveryStatus.Bounced, "5.1.1", "550 5.1.1 User unknown"))
            .ToList();
        foreach (var chain in failed)
        {
            o.OnChain(chain);
        }
        o.OnChain(f.Bounce(Start.AddHours(1), "x@forged.example", causedBy: failed[0].Root.QueueId));
        o.OnChain(f.Bounce(Start.AddHours(1), "x@forged.example", causedBy: failed[2].Root.QueueId));
        o.SettlePendingNotices();
        var counts = o.Origins[new OriginId(CulpritKind.Bounce, "")].CausedBy.Counts;
        Assert.Equal(1, counts["unknown"]);
        Assert.Equal(1, counts["relay:203.0.113.3"]);
    }
}

public class RelayOriginCapTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Clients_beyond_the_cap_are_counted_together_and_never_offered_to_contain_by_address()
    {
        var f = new ChainFactory();
        var o = new DiagnoseObserver(UidNames.None) { MaxRelayOrigins = 3 };
        for (var i = 1; i <= 10; i++)
        {
            // Ten clients of an open relay, each to five domains of its own: clearly abuse, from more clients than followed.
            var to = Enumerable.Range(0, 5).Select(d => $"victim{i}@d{i}x{d}.example").ToList();
            o.OnChain(f.Relay(Start.AddMinutes(i), $"203.0.113.{i}", $"x{i}@forged.example", to));
            o.OnChain(f.Relay(Start.AddMinutes(i).AddSeconds(30), $"203.0.113.{i}", $"x{i}@forged.example", to));
        }
        var relays = o.Origins.Values.Where(s => s.Id.Kind == CulpritKind.Relay).ToList();
        Assert.Equal(4, relays.Count);
        var others = Assert.Single(relays, s => s.Id.IsOtherClients);
        Assert.Equal(14, others.Messages);
        Assert.Equal(7, others.ClientIps.Count);
        Assert.Equal(30, relays.Where(s => !s.Id.IsOtherClients).Sum(s => s.RemoteRecipients));

        var diagnosis = DiagnoseService.Finish(o, null);
        var culprit = Assert.Single(diagnosis.Culprits, c => c.Id.IsOtherClients);
        Assert.DoesNotContain(culprit.Actions, a => a.Command?.Contains("--client", StringComparison.Ordinal) == true);
        Assert.Contains(diagnosis.Culprits, c => c.Id == new OriginId(CulpritKind.Relay, "203.0.113.1"));
    }
}
