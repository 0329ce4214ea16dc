using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Store;

namespace SpamTrace.Tests.Policy;

public sealed class PendingNotificationRetryTests
{
    /// <summary>The embedded store, except that reading incidents fails the first <c>failures</c> times (a store not up yet).</summary>
    private sealed class StoreDownAtStart(EmbeddedStore inner, int failures) : IPolicyStore
    {
        public int Reads { get; private set; }

        public ValueTask<IReadOnlyList<Incident>> IncidentsAsync(int max, CancellationToken cancellationToken) =>
            ++Reads <= failures ? throw new IOException("connection refused") : inner.IncidentsAsync(max, cancellationToken);

        public ValueTask<StoreResult> EvaluateAsync(StoreRequest request, CancellationToken cancellationToken) => inner.EvaluateAsync(request, cancellationToken);
        public ValueTask<bool> TryContainAsync(Incident incident, CancellationToken cancellationToken) => inner.TryContainAsync(incident, cancellationToken);
        public ValueTask<bool> ReleaseAsync(string user, CancellationToken cancellationToken) => inner.ReleaseAsync(user, cancellationToken);
        public ValueTask RecordHeldAsync(string user, string queueId, CancellationToken cancellationToken) => inner.RecordHeldAsync(user, queueId, cancellationToken);
        public ValueTask<IReadOnlyList<string>> HeldAsync(string user, CancellationToken cancellationToken) => inner.HeldAsync(user, cancellationToken);
        public ValueTask<IReadOnlyList<ContainedAccount>> ContainedAsync(CancellationToken cancellationToken) => inner.ContainedAsync(cancellationToken);
        public ValueTask MarkNotifiedAsync(long incidentId, CancellationToken cancellationToken) => inner.MarkNotifiedAsync(incidentId, cancellationToken);
        public ValueTask<IReadOnlyList<UserRate>> TopUsersAsync(int max, long nowMs, CancellationToken cancellationToken) => inner.TopUsersAsync(max, nowMs, cancellationToken);
        public ValueTask<IReadOnlyList<string>> RecentIpsAsync(string user, long nowMs, long windowMs, CancellationToken cancellationToken) => inner.RecentIpsAsync(user, nowMs, windowMs, cancellationToken);
        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    [Fact]
    public async Task Pending_incidents_are_notified_once_the_store_that_was_down_at_start_answers()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var embedded = new EmbeddedStore(null);
        Assert.True(await embedded.TryContainAsync(new Incident { User = "alice", At = time.Now.AddHours(-1), Reason = "manual", Evidence = "" }, default));
        await using var store = new StoreDownAtStart(embedded, failures: 3);
        var notifier = new RecordingNotifier();
        var logger = new RecordingLogger();
        var engine = new SpamTrace.Policy.Limits.PolicyEngine(PolicyTestSupport.Config("{}"), store, notifier, new SpamTrace.Policy.Metrics.PolicyMetrics(), logger, time);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await engine.RetryPendingNotificationsUntilReadAsync(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), timeout.Token);

        Assert.Equal(4, store.Reads);
        Assert.Equal("alice", Assert.Single(notifier.Sent).User);
        Assert.Single(logger.Lines, l => l.Text.StartsWith("reading pending incidents failed (connection refused)", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, l => l.Text == "pending incidents read after 4 attempts");
        await engine.RetryPendingNotificationsUntilReadAsync(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), timeout.Token);
        Assert.Single(notifier.Sent);
    }

    [Fact]
    public async Task Stopping_ends_the_retries()
    {
        await using var store = new StoreDownAtStart(new EmbeddedStore(null), failures: int.MaxValue);
        var engine = PolicyTestSupport.Engine(PolicyTestSupport.Config("{}"), store);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            engine.RetryPendingNotificationsUntilReadAsync(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), stop.Token));
        Assert.True(store.Reads > 2);
    }
}
