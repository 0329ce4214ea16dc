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
        stats.Add(Start);
        stats.Add(Start.AddMinutes(1), count: 14);
        stats.Add(Start.AddMinutes(5), count: 3);
        Assert.Equal(18, stats.Count);
        Assert.Equal(15, stats.CountBefore(Start.AddMinutes(2)));
        Assert.Equal(0, stats.CountBefore(Start.AddSeconds(-1)));
    }

    [Fact]
    public void Failures_in_one_second_share_an_entry_and_still_count_by_time()
    {
        var stats = new AuthFailureStats();
        for (var i = 0; i < 30_000; i++)
        {
            // 30,000 failures in 3,000 seconds: more failures than the 10,000 timed entries, all of them timed exactly.
            stats.Add(Start.AddSeconds(i / 10));
        }
        Assert.Equal(30_000, stats.Count);
        Assert.Equal(10, stats.CountBefore(Start));
        Assert.Equal(15_000, stats.CountBefore(Start.AddSeconds(1_499)));
        Assert.Equal(30_000, stats.CountBefore(Start.AddHours(1)));
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
        Assert.Equal(25, observer.AuthFailuresByIp["198.51.100.7"].Count);
        Assert.Equal(25, observer.AuthFailuresByIp["198.51.100.7"].CountBefore(Start));
    }
}
