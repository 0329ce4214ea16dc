using SpamTrace.Policy.Greylisting.Store;

namespace SpamTrace.Tests.Policy.Greylisting;

/// <summary>postgrey's timers on a fake clock, through the engine and the embedded store.</summary>
public sealed class GreylistTimerTests
{
    private const string Deferred = "DEFER_IF_PERMIT 4.7.1 Greylisted, retry in ";

    [Fact]
    public async Task First_attempt_is_deferred_an_early_retry_too_a_retry_after_the_delay_passes_and_then_always()
    {
        await using var h = new GreylistHarness();
        Assert.Equal(Deferred + "300 seconds", await h.RcptAsync());
        h.Time.Advance(TimeSpan.FromSeconds(120));
        Assert.Equal(Deferred + "180 seconds", await h.RcptAsync());
        h.Time.Advance(TimeSpan.FromSeconds(179));
        Assert.Equal(Deferred + "1 seconds", await h.RcptAsync());
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("DUNNO", await h.RcptAsync());
        h.Time.Advance(TimeSpan.FromDays(20));
        Assert.Equal("DUNNO", await h.RcptAsync());
        Assert.Equal(1, h.Greylister.Metrics.PassedAfterRetry);
        Assert.Equal(3, h.Greylister.Metrics.Greylisted);
        Assert.Equal(1, h.Greylister.Metrics.Passed);
    }

    [Fact]
    public async Task The_triplet_is_client_network_normalised_sender_and_recipient()
    {
        await using var h = new GreylistHarness();
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "198.51.100.7", sender: "bounce-123@list.example"));
        h.Time.Advance(TimeSpan.FromMinutes(6));
        // Same /24, another message number: the same triplet.
        Assert.Equal("DUNNO", await h.RcptAsync(client: "198.51.100.200", sender: "bounce-456@list.example"));
        // Another /24, another recipient, another sender: each a new triplet.
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "198.51.101.7", sender: "bounce-456@list.example"));
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "198.51.100.7", sender: "bounce-456@list.example", recipient: "carol@example.net"));
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "198.51.100.7", sender: "other@list.example"));
        // IPv6: one /64.
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "2001:db8:1:2::10"));
        h.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("DUNNO", await h.RcptAsync(client: "2001:db8:1:2:ffff::1"));
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "2001:db8:1:3::10"));
    }

    [Fact]
    public async Task A_first_attempt_not_retried_within_the_retry_window_starts_over()
    {
        await using var h = new GreylistHarness("""{ "retryWindow": "6h" }""");
        Assert.StartsWith(Deferred, await h.RcptAsync());
        h.Time.Advance(TimeSpan.FromHours(6) + TimeSpan.FromSeconds(1));
        Assert.Equal(Deferred + "300 seconds", await h.RcptAsync());
        Assert.Equal(1, h.Greylister.Metrics.Expired);
        h.Time.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal("DUNNO", await h.RcptAsync());
    }

    [Fact]
    public async Task A_passed_triplet_unseen_for_max_age_is_forgotten()
    {
        await using var h = new GreylistHarness("""{ "maxAge": "3d", "autoWhitelist": 0 }""");
        await h.RcptAsync();
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("DUNNO", await h.RcptAsync());
        h.Time.Advance(TimeSpan.FromDays(3));
        Assert.Equal("DUNNO", await h.RcptAsync());
        h.Time.Advance(TimeSpan.FromDays(3) + TimeSpan.FromSeconds(1));
        Assert.StartsWith(Deferred, await h.RcptAsync());
    }

    [Fact]
    public async Task A_client_with_five_successful_retries_counted_once_an_hour_is_auto_whitelisted()
    {
        await using var h = new GreylistHarness();
        for (var i = 0; i < 5; i++)
        {
            // Each round a new recipient: a new triplet deferred, then passed after the delay.
            Assert.StartsWith(Deferred, await h.RcptAsync(recipient: $"r{i}@example.net"));
            h.Time.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal("DUNNO", await h.RcptAsync(recipient: $"r{i}@example.net"));
            if (i == 4)
            {
                break;
            }
            // A second successful retry within the hour does not count.
            Assert.StartsWith(Deferred, await h.RcptAsync(recipient: $"x{i}@example.net"));
            h.Time.Advance(TimeSpan.FromMinutes(5));
            Assert.Equal("DUNNO", await h.RcptAsync(recipient: $"x{i}@example.net"));
            h.Time.Advance(TimeSpan.FromMinutes(50));
        }
        Assert.Equal(1, h.Greylister.Metrics.NewlyAutoWhitelisted);
        Assert.Equal("DUNNO", await h.RcptAsync(recipient: "brand-new@example.net"));
        Assert.Equal(1, h.Greylister.Metrics.AutoWhitelistedPasses);
        // The auto-whitelist is per client address, as postgrey's: a neighbour in the same /24 is still greylisted.
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "198.51.100.8", recipient: "brand-new@example.net"));
        // A pass within the hour of the last one is not counted again.
        Assert.Equal(5, (await h.Store.ClientAsync("198.51.100.7", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Authenticated_clients_mynetworks_and_exemptions_are_never_greylisted()
    {
        await using var h = new GreylistHarness("""{ "mynetworks": ["127.0.0.0/8", "[2001:db8::]/32", "192.0.2.0/24"] }""",
            extra: """, "exempt": ["@partner.example", "203.0.113.9"]""");
        Assert.Equal("DUNNO", await h.RcptAsync(user: "alice"));
        Assert.Equal("DUNNO", await h.RcptAsync(client: "192.0.2.44"));
        Assert.Equal("DUNNO", await h.RcptAsync(client: "2001:db8::5"));
        Assert.Equal("DUNNO", await h.RcptAsync(sender: "x@partner.example"));
        Assert.Equal("DUNNO", await h.RcptAsync(client: "203.0.113.9"));
        Assert.Equal(5, h.Greylister.Metrics.Skipped);
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "203.0.113.10"));
    }

    [Fact]
    public async Task Training_mode_records_and_counts_but_never_defers()
    {
        await using var h = new GreylistHarness("""{ "mode": "training" }""");
        Assert.Equal("DUNNO", await h.RcptAsync());
        Assert.Equal(1, h.Greylister.Metrics.WouldGreylist);
        Assert.Equal(0, h.Greylister.Metrics.Greylisted);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("DUNNO", await h.RcptAsync());
        Assert.Equal(1, h.Greylister.Metrics.PassedAfterRetry);
    }

    [Fact]
    public async Task The_answer_text_and_verb_are_configurable_with_postgreys_placeholders()
    {
        await using var h = new GreylistHarness("""{ "action": "DEFER", "text": "4.2.0 Come back in %s s (%r)" }""");
        Assert.Equal("DEFER 4.2.0 Come back in 300 s (example.net)", await h.RcptAsync());
    }

    [Fact]
    public async Task A_retry_from_another_address_of_an_spf_pool_passes_but_the_first_attempt_is_still_deferred()
    {
        var pools = new TablePools(("gmail.com", "209.85.220.41"), ("gmail.com", "172.253.63.1"));
        await using var h = new GreylistHarness(pools: pools);
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "209.85.220.41", sender: "alice@gmail.com"));
        h.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("DUNNO", await h.RcptAsync(client: "172.253.63.1", sender: "alice@gmail.com"));
        Assert.Equal(2, h.Greylister.Metrics.Pooled);
        // An address SPF does not authorise keeps its own network's triplet.
        Assert.StartsWith(Deferred, await h.RcptAsync(client: "198.51.100.1", sender: "alice@gmail.com"));
    }

    [Fact]
    public async Task A_first_attempt_made_before_the_pool_was_known_still_counts_for_the_retry()
    {
        await using var store = new EmbeddedGreylistStore(null);
        // The first attempt: the SPF lookup was too slow, so it was keyed by the client's network.
        var before = new GreylistHarness(store: store, ownsStore: false);
        Assert.StartsWith(Deferred, await before.RcptAsync(client: "209.85.220.41", sender: "alice@gmail.com"));
        // The retry: the pool is known now; the pool key is new but the network key holds the first attempt.
        await using var h = new GreylistHarness(store: store, ownsStore: false, pools: new TablePools(("gmail.com", "209.85.220.41")));
        h.Time.Now = before.Time.Now + TimeSpan.FromMinutes(5);
        Assert.Equal("DUNNO", await h.RcptAsync(client: "209.85.220.41", sender: "alice@gmail.com"));
        Assert.Equal(1, h.Greylister.Metrics.PassedAfterRetry);
        await before.DisposeAsync();
    }
}
