using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Store;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Policy.Greylisting;

/// <summary>The stores: persistence, expiry, the cap, memory per triplet, and Redis giving the embedded store's answers.</summary>
public sealed class GreylistStoreTests(ITestOutputHelper output)
{
    private static readonly GreylistSettings Defaults = new GreylistConfig().Settings;

    private static GreylistQuery Query(string key, long now, string client = "198.51.100.7", string? alternate = null) =>
        new() { Key = key, AlternateKey = alternate, ClientAddress = client, Now = now, Settings = Defaults };

    [Fact]
    public async Task The_embedded_store_keeps_triplets_and_auto_whitelist_across_a_restart_in_a_private_file()
    {
        var dir = Directory.CreateTempSubdirectory("spamtrace-gl-").FullName;
        var path = Path.Combine(dir, "policy.db");
        try
        {
            var now = 1_800_000_000L;
            await using (var store = new EmbeddedGreylistStore(path))
            {
                Assert.Equal(GreylistResult.Greylisted, (await store.CheckAsync(Query("net/a@x/b@y", now), default)).Result);
            }
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
            await using (var store = new EmbeddedGreylistStore(path))
            {
                Assert.Equal(1, store.Count);
                Assert.Equal(GreylistResult.PassedAfterRetry, (await store.CheckAsync(Query("net/a@x/b@y", now + 301), default)).Result);
                var found = await store.FindAsync("a@x", 10, default);
                Assert.Equal("net/a@x/b@y", Assert.Single(found).Triplet);
                Assert.Equal((now, now + 301), (found[0].First, found[0].Last));
            }
            await using (var store = new EmbeddedGreylistStore(path))
            {
                Assert.Equal(GreylistResult.Passed, (await store.CheckAsync(Query("net/a@x/b@y", now + 400), default)).Result);
                Assert.Equal(1, (await store.ClientAsync("198.51.100.7", default)).Count);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task The_sweep_forgets_expired_triplets_and_counts_the_never_passed_ones()
    {
        await using var store = new EmbeddedGreylistStore(null);
        var now = 1_800_000_000L;
        await store.CheckAsync(Query("never-retried", now), default);
        await store.CheckAsync(Query("passed", now), default);
        await store.CheckAsync(Query("passed", now + 300), default);
        Assert.Equal(0, store.SweepAll(now + Defaults.RetryWindow));
        Assert.Equal(1, store.SweepAll(now + Defaults.RetryWindow + 1));
        Assert.Equal(1, store.Count);
        Assert.Equal(0, store.SweepAll(now + 300 + Defaults.MaxAge));
        store.SweepAll(now + 301 + Defaults.MaxAge);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task At_the_cap_the_oldest_never_passed_triplets_go_first()
    {
        await using var store = new EmbeddedGreylistStore(null, maxTriplets: 64 * 16);
        var now = 1_800_000_000L;
        await store.CheckAsync(Query("passed", now), default);
        await store.CheckAsync(Query("passed", now + 300), default);
        for (var i = 0; i < 5000; i++)
        {
            await store.CheckAsync(Query($"bot{i}", now + 300 + i), default);
        }
        Assert.True(store.Count <= 64 * 16, $"{store.Count} triplets held");
        Assert.True(store.Evicted > 0);
        Assert.Equal(GreylistResult.Passed, (await store.CheckAsync(Query("passed", now + 6000), default)).Result);
    }

    /// <summary>The stated bound: a million distinct triplets held in memory, measured after a full collection.</summary>
    [Fact]
    public async Task A_million_triplets_fit_in_64_MB()
    {
        const int count = 1_000_000;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var store = new EmbeddedGreylistStore(null, maxTriplets: 2 * count);
        var query = Query("", 1_800_000_000L);
        for (var i = 0; i < count; i++)
        {
            query.Key = $"198.51.{i % 256}.0/24/sender{i}@list{i % 997}.example/rcpt{i % 5000}@our.example";
            query.ClientAddress = $"198.51.{i % 256}.{i % 250}";
            await store.CheckAsync(query, default);
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.Equal(count, store.Count);
        var mb = (after - before) / 1e6;
        output.WriteLine($"{count:N0} triplets (and {256 * 250:N0} clients): {mb:0.0} MB, {(after - before) / (double)count:0.0} bytes a triplet");
        Assert.True(mb < 64, $"{mb:0.0} MB");
        GC.KeepAlive(store);
        await store.DisposeAsync();
    }

    [RedisFact]
    public async Task Redis_gives_the_embedded_stores_answers_on_the_same_sequence()
    {
        using var redis = new RedisServer();
        var config = PolicyTestSupport.Config($$"""{ "store": { "type": "redis", "redis": "{{redis.Endpoint}}", "redisPrefix": "t{{Guid.NewGuid():N}}:" }, "greylist": {} }""");
        await using var shared = await GreylistStoreFactory.CreateAsync(config, NullLogger.Instance);
        await using var embedded = new EmbeddedGreylistStore(null);
        var random = new Random(7);
        var now = 1_800_000_000L;
        var compared = 0;
        for (var i = 0; i < 3000; i++)
        {
            now += random.Next(0, 400) + (random.Next(50) == 0 ? 3 * 86400 : 0);
            var client = $"198.51.100.{random.Next(8)}";
            var key = $"198.51.100.0/24/s{random.Next(6)}@x/r{random.Next(6)}@y";
            var alternate = random.Next(5) == 0 ? $"alt{random.Next(3)}" : null;
            var a = await shared.CheckAsync(Query(key, now, client, alternate), default);
            var b = await embedded.CheckAsync(Query(key, now, client, alternate), default);
            Assert.Equal((b.Result, b.FirstSeen, b.RetryIn, b.ClientCount, b.NewlyAutoWhitelisted, b.Expired, b.UsedAlternate),
                (a.Result, a.Result == GreylistResult.AutoWhitelisted ? 0 : a.FirstSeen, a.RetryIn, a.ClientCount, a.NewlyAutoWhitelisted, a.Expired, a.UsedAlternate));
            compared++;
        }
        Assert.Equal(3000, compared);
        Assert.NotEmpty(await shared.FindAsync("s1@x", 10, default));
    }
}
