using System.Globalization;
using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Limits;
using StackExchange.Redis;

namespace SpamTrace.Policy.Store;

/// <summary>
/// Counters, containment and incidents in Redis, shared by every MTA pointing at it. Each policy request is one
/// EVALSHA of <see cref="RedisScripts.Evaluate"/>: atomic, one round trip. When Redis is unreachable, commands fail
/// fast (no backlog) and the multiplexer reconnects in the background; the engine answers store.onError meanwhile.
/// </summary>
public sealed class RedisStore : IPolicyStore
{
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly string _prefix;
    private readonly string _instanceToken = Guid.NewGuid().ToString("N")[..12];
    private long _sequence;

    private RedisStore(ConnectionMultiplexer redis, string prefix)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _prefix = prefix;
    }

    public static async Task<RedisStore> ConnectAsync(StoreConfig config, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(config.Redis);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var timeout = (int)Math.Max(50, config.Timeout.TotalMilliseconds);
        options.ConnectTimeout = Math.Max(timeout, 1000);
        options.SyncTimeout = timeout;
        options.AsyncTimeout = timeout;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName = "spamtrace-policy";
        var redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        if (!redis.IsConnected)
        {
            logger.LogError("redis {Redis} is not reachable yet; answering {Action} until it is", config.Redis, config.OnError.Text);
        }
        redis.ConnectionFailed += (_, e) => logger.LogError("redis connection lost: {Failure}", e.FailureType);
        redis.ConnectionRestored += (_, _) => logger.LogInformation("redis connection restored");
        return new RedisStore(redis, config.RedisPrefix);
    }

    public bool IsConnected => _redis.IsConnected;

    public async ValueTask<StoreResult> EvaluateAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        var checks = request.Checks;
        var args = new RedisValue[9 + checks.Count * 6];
        args[0] = _prefix;
        args[1] = request.NowMs;
        args[2] = request.User ?? "";
        args[3] = request.ClientIp ?? "";
        args[4] = request.ClientNetwork ?? "";
        args[5] = request.ActivityWindowMs;
        args[6] = request.CountMessage ? 1 : 0;
        args[7] = checks.Count;
        for (var i = 0; i < checks.Count; i++)
        {
            var c = checks[i];
            var b = 8 + i * 6;
            args[b] = c.Key;
            args[b + 1] = c.Algorithm == LimitAlgorithm.Bucket ? 1 : 0;
            args[b + 2] = c.Max;
            args[b + 3] = c.WindowMs;
            args[b + 4] = c.Weight;
            args[b + 5] = c.Add ? 1 : 0;
        }
        args[^1] = $"{_instanceToken}.{Interlocked.Increment(ref _sequence)}";
        var reply = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisScripts.Evaluate, null, args).ConfigureAwait(false))!;
        return new StoreResult
        {
            Contained = (long)reply[0] == 1,
            FailedCheck = (int)(long)reply[1],
            DistinctIps = (int)(long)reply[2],
            DistinctNetworks = (int)(long)reply[3],
            LimitHits = (int)(long)reply[4],
            HourMessages = (long)reply[5],
            BaselinePerHour = double.Parse((string)reply[6]!, CultureInfo.InvariantCulture),
        };
    }

    public async ValueTask<bool> TryContainAsync(Incident incident, CancellationToken cancellationToken)
    {
        var id = (long)await _db.ScriptEvaluateAsync(RedisScripts.Contain, null,
            [_prefix, incident.User, incident.At.ToUnixTimeMilliseconds(), incident.Reason, incident.Evidence]).ConfigureAwait(false);
        if (id == 0)
        {
            return false;
        }
        incident.Id = id;
        return true;
    }

    public async ValueTask<bool> ReleaseAsync(string user, CancellationToken cancellationToken) =>
        (long)await _db.ScriptEvaluateAsync(RedisScripts.Release, null, [_prefix, user]).ConfigureAwait(false) == 1;

    public async ValueTask RecordHeldAsync(string user, string queueId, CancellationToken cancellationToken)
    {
        await _db.ListRightPushAsync($"{_prefix}held:{user}", queueId).ConfigureAwait(false);
        await _db.KeyExpireAsync($"{_prefix}held:{user}", TimeSpan.FromDays(30)).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<string>> HeldAsync(string user, CancellationToken cancellationToken) =>
        (await _db.ListRangeAsync($"{_prefix}held:{user}").ConfigureAwait(false)).Select(v => (string)v!).Distinct().ToList();

    public async ValueTask<IReadOnlyList<ContainedAccount>> ContainedAsync(CancellationToken cancellationToken)
    {
        var entries = await _db.HashGetAllAsync(_prefix + "contained").ConfigureAwait(false);
        var result = new List<ContainedAccount>();
        foreach (var entry in entries)
        {
            var parts = ((string)entry.Value!).Split('|', 3);
            if (parts.Length == 3 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var id) && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var at))
            {
                result.Add(new ContainedAccount(entry.Name!, DateTimeOffset.FromUnixTimeMilliseconds(at), id, parts[2]));
            }
        }
        return result.OrderBy(c => c.Since).ToList();
    }

    public async ValueTask<IReadOnlyList<Incident>> IncidentsAsync(int max, CancellationToken cancellationToken)
    {
        var ids = await _db.ListRangeAsync(_prefix + "incidents", 0, max - 1).ConfigureAwait(false);
        var result = new List<Incident>();
        foreach (var id in ids)
        {
            var fields = (await _db.HashGetAllAsync($"{_prefix}incident:{id}").ConfigureAwait(false)).ToDictionary(e => (string)e.Name!, e => (string)e.Value!);
            if (fields.Count == 0)
            {
                continue;
            }
            result.Add(new Incident
            {
                Id = (long)id,
                User = fields.GetValueOrDefault("user", ""),
                At = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(fields.GetValueOrDefault("at", "0"), CultureInfo.InvariantCulture)),
                Reason = fields.GetValueOrDefault("reason", ""),
                Evidence = fields.GetValueOrDefault("evidence", ""),
                Notified = fields.GetValueOrDefault("notified") == "1",
            });
        }
        return result;
    }

    public async ValueTask MarkNotifiedAsync(long incidentId, CancellationToken cancellationToken) =>
        await _db.HashSetAsync($"{_prefix}incident:{incidentId}", "notified", "1").ConfigureAwait(false);

    public async ValueTask<IReadOnlyList<UserRate>> TopUsersAsync(int max, long nowMs, CancellationToken cancellationToken)
    {
        var users = await _db.SortedSetRangeByScoreAsync(_prefix + "users", nowMs - 3_600_000, double.PositiveInfinity, take: 5000).ConfigureAwait(false);
        var hour = nowMs / 3_600_000;
        var rates = new List<UserRate>();
        foreach (var user in users)
        {
            var u = $"{_prefix}u:{user}";
            var counts = await _db.HashGetAsync(u + ":h", [hour, hour - 1]).ConfigureAwait(false);
            var current = counts[0].IsNull ? 0 : (long)counts[0];
            var previous = counts[1].IsNull ? 0 : (long)counts[1];
            var estimate = current + (long)(previous * (1 - (nowMs % 3_600_000) / 3_600_000.0));
            var ips = await _db.SortedSetLengthAsync(u + ":ips", nowMs - 3_600_000).ConfigureAwait(false);
            rates.Add(new UserRate(user!, estimate, (int)ips));
        }
        return rates.OrderByDescending(r => r.MessagesLastHour).ThenByDescending(r => r.DistinctIps).Take(max).ToList();
    }

    public async ValueTask<IReadOnlyList<string>> RecentIpsAsync(string user, long nowMs, long windowMs, CancellationToken cancellationToken)
    {
        var ips = await _db.SortedSetRangeByScoreAsync($"{_prefix}u:{user}:ips", nowMs - windowMs, double.PositiveInfinity, order: Order.Descending).ConfigureAwait(false);
        return ips.Select(ip => (string)ip!).ToList();
    }

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync().ConfigureAwait(false);
}
