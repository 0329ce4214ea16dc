using SpamTrace.Logs;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Tests.Forensics;

/// <summary>The thread diagnose's observer runs on (LogEngine's BackgroundObserver): order, completeness, failures.</summary>
public class BackgroundObserverTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(10_000)]
    public void Hands_over_every_item_in_order(int count)
    {
        var seen = new Recorder();
        var background = new BackgroundObserver(seen);
        for (var i = 0; i < count; i++)
        {
            background.OnSessionEvent(Event(i));
        }
        background.Complete();
        Assert.Equal(Enumerable.Range(0, count), seen.Hosts.Select(int.Parse));
    }

    [Fact]
    public void A_slow_observer_makes_the_producer_wait_and_still_gets_everything()
    {
        var seen = new Recorder { Delay = TimeSpan.FromMilliseconds(1) };
        var background = new BackgroundObserver(seen);
        for (var i = 0; i < 2_000; i++)
        {
            background.OnSessionEvent(Event(i));
        }
        background.Complete();
        Assert.Equal(2_000, seen.Hosts.Count);
    }

    [Fact]
    public void The_observers_failure_reaches_the_producer()
    {
        var background = new BackgroundObserver(new Recorder { FailAt = 3 });
        var thrown = Assert.Throws<InvalidOperationException>(() =>
        {
            for (var i = 0; i < 100_000; i++)
            {
                background.OnSessionEvent(Event(i));
            }
            background.Complete();
        });
        Assert.Equal("item 3", thrown.Message);
    }

    [Fact]
    public void Abandon_returns_without_rethrowing()
    {
        var background = new BackgroundObserver(new Recorder { Delay = TimeSpan.FromMilliseconds(1) });
        for (var i = 0; i < 1_000; i++)
        {
            background.OnSessionEvent(Event(i));
        }
        background.Abandon();
    }

    private static SessionEvent Event(int i) =>
        new() { Kind = SessionEventKind.Connect, Host = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private sealed class Recorder : ILogObserver
    {
        public List<string> Hosts { get; } = [];
        public TimeSpan Delay { get; init; }
        public int FailAt { get; init; } = -1;

        public void OnChain(MessageChain chain) => throw new InvalidOperationException("no chains here");

        public void OnSessionEvent(SessionEvent e)
        {
            if (Hosts.Count == FailAt)
            {
                throw new InvalidOperationException($"item {FailAt}");
            }
            if (Delay > TimeSpan.Zero && Hosts.Count % 100 == 0)
            {
                Thread.Sleep(Delay);
            }
            Hosts.Add(e.Host);
        }
    }
}
