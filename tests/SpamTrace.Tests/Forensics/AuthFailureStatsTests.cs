using SpamTrace.Forensics;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Tests.Forensics;

public class AuthFailureStatsTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_repeated_failure_line_counts_its_repeats_before_and_after_a_time()
    {
        var stats = new AuthFailureStats();
        stats.Add(Start, "192.0.2.1");
        stats.Add(Start.AddMinutes(1), "192.0.2.1", count: 14);
        stats.Add(Start.AddMinutes(5), "192.0.2.2", count: 3);
        Assert.Equal(18, stats.Count);
        Assert.Equal(15, stats.CountBefore(Start.AddMinutes(2)));
        Assert.Equal(0, stats.CountBefore(Start.AddSeconds(-1)));
        Assert.Equal(2, stats.Ips.Count);
    }

    [Fact]
    public void The_observer_counts_an_rsyslog_repeat_as_that_many_failures()
    {
        var observer = new DiagnoseObserver(UidNames.None);
        observer.OnSessionEvent(new SessionEvent
        {
            Kind = SessionEventKind.SaslAuthFailed,
            Host = "mx1",
            TimeUtc = Start,
            ClientIp = "198.51.100.7",
            SaslUser = "alice@example.org",
            Count = 25,
        });
        Assert.Equal(25, observer.AuthFailures);
        Assert.Equal(25, observer.AuthFailuresByUser["alice@example.org"].Count);
        Assert.Equal(25, observer.AuthFailuresByIp["198.51.100.7"].CountBefore(Start));
    }
}
