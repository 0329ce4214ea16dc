using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Limits;
using StackExchange.Redis;

namespace SpamTrace.Policy.Greylisting.Store;

/// <summary>
/// Greylisting state in Redis, shared by every MX host pointing at it: one EVALSHA per decision, entries ending by
/// TTL. Its own connection, with the policy store's settings (fail fast, reconnect in the background).
/// </summary>
public sealed class RedisGreylistStore : IGreylistStore
{
    private readonly ConnectionMultiplexer _redis;
    private readonly IDatabase _db;
    private readonly string _prefix;

    private RedisGreylistStore(ConnectionMultiplexer redis, string prefix)
    {
        _redis = redis;
        _db = redis.GetDatabase();
        _prefix = prefix + "gl:";
    }

    public static async Task<RedisGreylistStore> ConnectAsync(StoreConfig config, ILogger logger)
    {
        var options = ConfigurationOptions.Parse(config.Redis);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var timeout = (int)Math.Max(50, config.Timeout.TotalMilliseconds);
        options.ConnectTimeout = Math.Max(timeout, 1000);
        options.SyncTimeout = timeout;
        options.AsyncTimeout = timeout;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        options.ClientName = "spamtrace-greylist";
        var redis = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
        if (!redis.IsConnected)
        {
            logger.LogError("greylist: redis {Redis} is not reachable yet; mail passes without greylisting until it is", config.Redis);
        }
        return new RedisGreylistStore(redis, config.RedisPrefix);
    }

    public async ValueTask<GreylistOutcome> CheckAsync(GreylistQuery query, CancellationToken cancellationToken)
    {
        var s = query.Settings;
        RedisKey triplet = _prefix + "t:" + query.Key;
        RedisKey alternate = query.AlternateKey is null ? triplet : _prefix + "t:" + query.AlternateKey;
        RedisKey client = _prefix + "c:" + query.ClientAddress;
        var reply = (RedisResult[])(await _db.ScriptEvaluateAsync(RedisGreylistScripts.Check, [triplet, alternate, client],
            [query.Now, s.Delay, s.RetryWindow, s.MaxAge, s.AutoWhitelist]).ConfigureAwait(false))!;
        return new GreylistOutcome
        {
            Result = (GreylistResult)(int)(long)reply[0],
            FirstSeen = (long)reply[1],
            RetryIn = (long)reply[2],
            ClientCount = (long)reply[3],
            NewlyAutoWhitelisted = (long)reply[4] == 1,
            Expired = (long)reply[5] == 1,
            UsedAlternate = (long)reply[6] == 1,
        };
    }

    public async ValueTask<IReadOnlyList<TripletRecord>> FindAsync(string needle, int max, CancellationToken cancellationToken)
    {
        var server = _redis.GetServers().FirstOrDefault(s => s.IsConnected) ?? throw new InvalidOperationException("no redis server connected");
        var pattern = _prefix + "t:*" + Glob(needle.ToLowerInvariant()) + "*";
        var result = new List<TripletRecord>();
        await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000).ConfigureAwait(false))
        {
            var values = await _db.HashGetAsync(key, ["f", "l"]).ConfigureAwait(false);
            if (values[0].IsNull || values[1].IsNull)
            {
                continue;
            }
            result.Add(new TripletRecord(((string)key!)[(_prefix.Length + 2)..], (long)values[0], (long)values[1]));
            if (result.Count >= max)
            {
                break;
            }
        }
        return result.OrderByDescending(r => r.Last).ToList();
    }

    /// <summary>Escapes Redis glob characters so that a needle matches literally.</summary>
    private static string Glob(string text) => string.Concat(text.Select(c => c is '*' or '?' or '[' or ']' or '\\' ? "\\" + c : c.ToString()));

    public async ValueTask<ClientEntry> ClientAsync(string address, CancellationToken cancellationToken)
    {
        var values = await _db.HashGetAsync(_prefix + "c:" + address, ["n", "l"]).ConfigureAwait(false);
        return values[0].IsNull ? default : new ClientEntry { Exists = true, Count = (long)values[0], Last = (long)values[1] };
    }

    /// <summary>Counting would scan a store other hosts share: not done.</summary>
    public ValueTask<GreylistStoreCounts?> CountsAsync(long now, GreylistSettings settings, CancellationToken cancellationToken) =>
        ValueTask.FromResult<GreylistStoreCounts?>(null);

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync().ConfigureAwait(false);
}
