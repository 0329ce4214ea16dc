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
        var counts = o.Origins[new OriginId(CulpritKind.Bounce, "")].CausedBy.Counts;
        Assert.Equal(1, counts["unknown"]);
        Assert.Equal(1, counts["relay:203.0.113.3"]);
    }
}
