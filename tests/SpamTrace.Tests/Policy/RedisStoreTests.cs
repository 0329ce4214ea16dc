using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Serving;
using SpamTrace.Policy.Store;

namespace SpamTrace.Tests.Policy;

/// <summary>The Redis store: exact limits shared by two service instances, containment across instances, outages.</summary>
public sealed class RedisStoreTests
{
    private static PolicyConfig Config(RedisServer redis, string limits, string containment = "\"enabled\": false", int timeoutMs = 300, string onError = "DUNNO") =>
        PolicyTestSupport.Config($$"""
            {
              "listen": { "tcp": "127.0.0.1:0" },
              "store": { "type": "redis", "redis": "{{redis.Endpoint}}", "redisPrefix": "t{{Guid.NewGuid():N}}:", "timeoutMs": {{timeoutMs}}, "onError": "{{onError}}" },
              "limits": [ {{limits}} ],
              "containment": { {{containment}} }
            }
            """);

    private static async Task<PolicyServer> StartAsync(PolicyConfig config)
    {
        var store = await StoreFactory.CreateAsync(config.Store, NullLogger.Instance, default);
        var server = new PolicyServer(PolicyTestSupport.Engine(config, store), NullLogger.Instance);
        server.Start();
        return server;
    }

    private static async Task StopAsync(PolicyServer server)
    {
        await server.DisposeAsync();
        await server.Engine.Store.DisposeAsync();
    }

    [RedisFact]
    public async Task Two_service_instances_on_one_redis_never_admit_more_than_the_limit_between_them()
    {
        using var redis = new RedisServer();
        // A generous timeout and a distinct answer on store errors: a DUNNO is then always the store's own admission.
        var config = Config(redis, """{ "name": "user", "windows": ["150/1h"] }, { "name": "rcpt", "count": "recipients", "windows": ["100000/1h"] }""",
            timeoutMs: 5000, onError: "DEFER_IF_PERMIT store unavailable");
        var a = await StartAsync(config);
        var b = await StartAsync(config);
        try
        {
            var admitted = 0;
            await Task.WhenAll(Enumerable.Range(0, 48).Select(async c =>
            {
                using var socket = await PolicyTestSupport.ConnectAsync((c % 2 == 0 ? a : b).TcpEndPoint!);
                for (var i = 0; i < 10; i++)
                {
                    var reply = await PolicyTestSupport.ExchangeAsync(socket, PolicyTestSupport.Request("END-OF-MESSAGE", "victim", client: $"198.51.100.{c}", recipientCount: 2));
                    if (reply == "DUNNO")
                    {
                        Interlocked.Increment(ref admitted);
                    }
                    else
                    {
                        Assert.StartsWith("DEFER", reply);
                    }
                }
            }));
            // Never more than the limit. A call that timed out on the client may still have counted in Redis, so only
            // without store errors must the limit be reached exactly.
            var errors = a.Engine.Metrics.StoreErrors + b.Engine.Metrics.StoreErrors;
            Assert.InRange(admitted, 150 - errors, 150);
        }
        finally
        {
            await StopAsync(a);
            await StopAsync(b);
        }
    }

    [RedisFact]
    public async Task Sliding_windows_buckets_and_rcpt_checks_behave_as_in_the_embedded_store()
    {
        using var redis = new RedisServer();
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var config = Config(redis, """{ "name": "m", "windows": ["2/1m"] }, { "name": "b", "algorithm": "bucket", "windows": ["3/1h"] }""");
        await using var store = await RedisStore.ConnectAsync(config.Store, NullLogger.Instance);
        var engine = PolicyTestSupport.Engine(config, store, time);
        async Task<string> Decide(string state)
        {
            var parser = new SpamTrace.Policy.Protocol.PolicyRequestParser();
            var request = new SpamTrace.Policy.Protocol.PolicyRequest();
            var buffer = new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(PolicyTestSupport.Request(state, "alice", recipientCount: 1)));
            parser.TryParse(ref buffer, request);
            return (await engine.DecideAsync(request, new DecisionContext(), default)).Verb;
        }
        Assert.Equal("DUNNO", await Decide("END-OF-MESSAGE"));
        Assert.Equal("DUNNO", await Decide("RCPT"));
        Assert.Equal("DUNNO", await Decide("END-OF-MESSAGE"));
        Assert.Equal("DEFER", await Decide("RCPT"));
        Assert.Equal("DEFER", await Decide("END-OF-MESSAGE"));
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("DUNNO", await Decide("END-OF-MESSAGE"));
        // The bucket (3 per hour, 3 taken) refilled by 61 s * 3/h, less than one token: deferred.
        time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal("DEFER", await Decide("END-OF-MESSAGE"));
        time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal("DUNNO", await Decide("END-OF-MESSAGE"));
    }

    [RedisFact]
    public async Task Containment_is_shared_by_instances_and_survives_a_service_restart()
    {
        using var redis = new RedisServer();
        var config = Config(redis, """{ "name": "m", "windows": ["1000/1h"] }""", "\"maxDistinctIps\": 4, \"maxLimitHits\": 0");
        var notifier = new RecordingNotifier();
        await using var storeA = await RedisStore.ConnectAsync(config.Store, NullLogger.Instance);
        await using var storeB = await RedisStore.ConnectAsync(config.Store, NullLogger.Instance);
        var a = PolicyTestSupport.Engine(config, storeA, notifier: notifier);
        var b = PolicyTestSupport.Engine(config, storeB, notifier: notifier);
        async Task<string> Decide(PolicyEngine engine, string user, string ip)
        {
            var parser = new SpamTrace.Policy.Protocol.PolicyRequestParser();
            var request = new SpamTrace.Policy.Protocol.PolicyRequest();
            var buffer = new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(PolicyTestSupport.Request("RCPT", user, client: ip)));
            parser.TryParse(ref buffer, request);
            return (await engine.DecideAsync(request, new DecisionContext(), default)).Verb;
        }
        for (var i = 1; i <= 4; i++)
        {
            Assert.Equal("DUNNO", await Decide(i % 2 == 0 ? a : b, "victim", $"203.0.113.{i}"));
        }
        Assert.Equal("HOLD", await Decide(a, "victim", "203.0.113.5"));
        Assert.Equal("HOLD", await Decide(b, "victim", "203.0.113.1"));
        var parser = new SpamTrace.Policy.Protocol.PolicyRequestParser();
        var eom = new SpamTrace.Policy.Protocol.PolicyRequest();
        var eomBuffer = new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(PolicyTestSupport.Request("END-OF-MESSAGE", "victim", recipientCount: 1)));
        parser.TryParse(ref eomBuffer, eom);
        Assert.Equal("HOLD", (await a.DecideAsync(eom, new DecisionContext(), default)).Verb);
        Assert.Equal(["4ABC123"], await storeB.HeldAsync("victim", default));
        Assert.Equal("DUNNO", await Decide(b, "bystander", "203.0.113.1"));
        await PolicyEngineTests.WaitFor(() => notifier.Sent.Count == 1);
        var incident = Assert.Single(await storeB.IncidentsAsync(10, default));
        Assert.Equal("distinct-ips", incident.Reason);
        Assert.Contains("203.0.113.5", incident.Evidence);

        // A new connection (a restarted service) still sees the containment; release from the other instance.
        await using var restarted = await RedisStore.ConnectAsync(config.Store, NullLogger.Instance);
        Assert.Equal("victim", Assert.Single(await restarted.ContainedAsync(default)).User);
        Assert.True(await restarted.ReleaseAsync("victim", default));
        Assert.Equal("DUNNO", await Decide(a, "victim", "203.0.113.1"));
        var manual = new Incident { User = "x", At = DateTimeOffset.UtcNow, Reason = "manual", Evidence = "" };
        Assert.True(await restarted.TryContainAsync(manual, default));
        Assert.False(await restarted.TryContainAsync(manual, default));
        Assert.Equal(2, manual.Id);
    }

    [RedisFact]
    public async Task When_redis_goes_away_answers_stay_fast_and_the_service_recovers_by_itself()
    {
        using var redis = new RedisServer();
        var config = Config(redis, """{ "name": "m", "windows": ["0/1h"] }""", timeoutMs: 200);
        var server = await StartAsync(config);
        try
        {
            using var socket = await PolicyTestSupport.ConnectAsync(server.TcpEndPoint!);
            var request = PolicyTestSupport.Request("END-OF-MESSAGE", "alice", recipientCount: 1);
            // The first call loads the script; on a loaded machine it may exceed the 200 ms budget and get DUNNO.
            string? first = null;
            for (var i = 0; i < 50 && first?.StartsWith("DEFER", StringComparison.Ordinal) != true; i++)
            {
                first = await PolicyTestSupport.ExchangeAsync(socket, request);
            }
            Assert.StartsWith("DEFER", first);
            redis.Kill();
            var slowest = TimeSpan.Zero;
            for (var i = 0; i < 5; i++)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                Assert.Equal("DUNNO", await PolicyTestSupport.ExchangeAsync(socket, request));
                slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            }
            // Postfix waits smtpd_policy_service_timeout (100 s by default); the answer must come far sooner.
            Assert.True(slowest < TimeSpan.FromSeconds(2), $"slowest answer without redis: {slowest.TotalMilliseconds} ms");
            Assert.True(server.Engine.Metrics.StoreErrors >= 5);
            redis.Start();
            string? reply = null;
            for (var i = 0; i < 100 && reply?.StartsWith("DEFER", StringComparison.Ordinal) != true; i++)
            {
                await Task.Delay(100);
                reply = await PolicyTestSupport.ExchangeAsync(socket, request);
            }
            Assert.StartsWith("DEFER", reply);
        }
        finally
        {
            await StopAsync(server);
        }
    }
}
