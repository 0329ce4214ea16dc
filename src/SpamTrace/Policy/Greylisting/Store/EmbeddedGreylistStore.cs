using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace SpamTrace.Policy.Greylisting.Store;

/// <summary>
/// Greylisting state in process memory: 64 shards, each a dictionary from a keyed 64-bit hash of the triplet to two
/// 32-bit times (24 bytes an entry with the dictionary's own fields), so a million triplets take tens of megabytes
/// whatever their length. Persisted to SQLite (with the triplet text, for explain) by a background flush; expired
/// entries are swept by the same loop. Capped at <see cref="GreylistConfig.MaxTriplets"/>.
/// </summary>
public sealed class EmbeddedGreylistStore : IGreylistStore
{
    private const int ShardCount = 64;

    private readonly Shard[] _shards = Enumerable.Range(0, ShardCount).Select(_ => new Shard()).ToArray();
    private readonly GreylistSqlite? _db;
    private readonly ulong _seed;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private volatile int _shardCap;
    private GreylistSettings _settings = new GreylistConfig().Settings;
    private long _expired;
    private long _evicted;

    /// <summary>Two 32-bit numbers: first and last seen for a triplet, count and last seen for a client.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Packed
    {
        public uint A;
        public uint B;
    }

    private sealed class Shard
    {
        public readonly Dictionary<ulong, Packed> Triplets = [];
        public readonly Dictionary<ulong, Packed> Clients = [];

        /// <summary>Entries changed since the last flush, with their text (only when persisting).</summary>
        public Dictionary<ulong, string>? PendingTriplets;
        public Dictionary<ulong, string>? PendingClients;
    }

    /// <param name="path">SQLite file (the policy store's), or null for memory only.</param>
    /// <param name="maxTriplets">The cap on triplets held.</param>
    /// <param name="flushInterval">How often changes are written (and, every minute, expired entries swept).</param>
    /// <param name="time">The clock of the sweep.</param>
    public EmbeddedGreylistStore(string? path, int maxTriplets = 5_000_000, TimeSpan? flushInterval = null, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _shardCap = Math.Max(16, maxTriplets / ShardCount);
        if (path is not null)
        {
            _db = new GreylistSqlite(path);
            _seed = _db.Seed();
            foreach (var shard in _shards)
            {
                shard.PendingTriplets = [];
                shard.PendingClients = [];
            }
            _db.LoadTriplets((hash, first, last) => ShardOf(hash).Triplets[hash] = new Packed { A = (uint)first, B = (uint)last });
            _db.LoadClients((hash, count, last) => ShardOf(hash).Clients[hash] = new Packed { A = (uint)count, B = (uint)last });
        }
        else
        {
            _seed = BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));
        }
        _loop = Task.Run(() => LoopAsync(flushInterval ?? TimeSpan.FromSeconds(2)));
    }

    /// <summary>The cap on triplets held; a lower cap applies as new triplets arrive (SIGHUP sets it).</summary>
    public int MaxTriplets
    {
        get => _shardCap * ShardCount;
        set => _shardCap = Math.Max(16, value / ShardCount);
    }

    public long Count => _shards.Sum(s =>
    {
        lock (s)
        {
            return (long)s.Triplets.Count;
        }
    });

    /// <summary>Never-passed triplets removed by the sweep since start.</summary>
    public long Swept => Interlocked.Read(ref _expired);

    /// <summary>Triplets dropped at the cap (the oldest never-passed first).</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    internal ulong Hash(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> bytes = max <= 1024 ? stackalloc byte[max] : new byte[max];
        var length = Encoding.UTF8.GetBytes(text, bytes);
        return XxHash3.HashToUInt64(bytes[..length], unchecked((long)_seed));
    }

    private Shard ShardOf(ulong hash) => _shards[hash % ShardCount];

    public ValueTask<GreylistOutcome> CheckAsync(GreylistQuery query, CancellationToken cancellationToken)
    {
        _settings = query.Settings;
        var key = Hash(query.Key);
        var alternate = query.AlternateKey is null ? 0UL : Hash(query.AlternateKey);
        var client = Hash(query.ClientAddress);
        Span<int> order = [(int)(key % ShardCount), (int)(client % ShardCount), query.AlternateKey is null ? -1 : (int)(alternate % ShardCount)];
        order.Sort();
        var taken = 0;
        Span<int> locked = stackalloc int[3];
        try
        {
            foreach (var index in order)
            {
                if (index >= 0 && (taken == 0 || locked[taken - 1] != index))
                {
                    Monitor.Enter(_shards[index]);
                    locked[taken++] = index;
                }
            }
            return ValueTask.FromResult(CheckLocked(query, key, alternate, client));
        }
        finally
        {
            for (var i = taken - 1; i >= 0; i--)
            {
                Monitor.Exit(_shards[locked[i]]);
            }
        }
    }

    private GreylistOutcome CheckLocked(GreylistQuery query, ulong key, ulong alternate, ulong clientHash)
    {
        var now = query.Now;
        var settings = query.Settings;
        var shard = ShardOf(key);
        var triplet = Read(shard.Triplets, key);
        var usedAlternate = false;
        if (query.AlternateKey is not null && (!triplet.Exists || GreylistTimers.IsExpired(triplet, now, settings)))
        {
            var other = Read(ShardOf(alternate).Triplets, alternate);
            if (other.Exists && !GreylistTimers.IsExpired(other, now, settings))
            {
                (key, shard, triplet, usedAlternate) = (alternate, ShardOf(alternate), other, true);
            }
        }
        var clientShard = ShardOf(clientHash);
        clientShard.Clients.TryGetValue(clientHash, out var c);
        var clientExisted = clientShard.Clients.ContainsKey(clientHash);
        var client = new ClientEntry { Exists = clientExisted, Count = c.A, Last = c.B };
        var before = client;
        var outcome = GreylistTimers.Apply(ref triplet, ref client, now, settings);
        outcome.UsedAlternate = usedAlternate;
        if (outcome.Result != GreylistResult.AutoWhitelisted)
        {
            if (!shard.Triplets.ContainsKey(key) && shard.Triplets.Count >= _shardCap)
            {
                Evict(shard, now, settings);
            }
            shard.Triplets[key] = new Packed { A = (uint)triplet.First, B = (uint)triplet.Last };
            shard.PendingTriplets?.TryAdd(key, usedAlternate ? query.AlternateKey! : query.Key);
        }
        if (client.Exists && (client.Count != before.Count || client.Last != before.Last || !before.Exists))
        {
            clientShard.Clients[clientHash] = new Packed { A = (uint)client.Count, B = (uint)client.Last };
            clientShard.PendingClients?.TryAdd(clientHash, query.ClientAddress);
        }
        else if (!client.Exists && clientExisted)
        {
            clientShard.Clients.Remove(clientHash);
            clientShard.PendingClients?.TryAdd(clientHash, query.ClientAddress);
        }
        return outcome;
    }

    private static TripletEntry Read(Dictionary<ulong, Packed> map, ulong key) =>
        map.TryGetValue(key, out var p) ? new TripletEntry { Exists = true, First = p.A, Last = p.B } : default;

    /// <summary>At the cap: drop expired entries, then the eighth of the shard least likely to matter (never passed, oldest).</summary>
    private void Evict(Shard shard, long now, GreylistSettings settings)
    {
        Interlocked.Add(ref _expired, Sweep(shard, now, settings));
        if (shard.Triplets.Count < _shardCap)
        {
            return;
        }
        var victims = shard.Triplets
            .OrderBy(kv => kv.Value.B - (long)kv.Value.A >= settings.Delay ? 1 : 0)
            .ThenBy(kv => kv.Value.B)
            .Take(Math.Max(1, _shardCap / 8))
            .Select(kv => kv.Key)
            .ToList();
        foreach (var victim in victims)
        {
            shard.Triplets.Remove(victim);
            shard.PendingTriplets?.TryAdd(victim, "");
        }
        Interlocked.Add(ref _evicted, victims.Count);
    }

    /// <summary>Removes expired entries of one shard (caller holds its lock); returns how many never-passed triplets expired.</summary>
    private int Sweep(Shard shard, long now, GreylistSettings settings)
    {
        var expired = 0;
        foreach (var (hash, p) in shard.Triplets)
        {
            var entry = new TripletEntry { Exists = true, First = p.A, Last = p.B };
            if (GreylistTimers.IsExpired(entry, now, settings))
            {
                shard.Triplets.Remove(hash);
                shard.PendingTriplets?.TryAdd(hash, "");
                if (entry.Last - entry.First < settings.Delay)
                {
                    expired++;
                }
            }
        }
        foreach (var (hash, p) in shard.Clients)
        {
            if (now - p.B > settings.MaxAge)
            {
                shard.Clients.Remove(hash);
                shard.PendingClients?.TryAdd(hash, "");
            }
        }
        return expired;
    }

    /// <summary>Sweeps every shard; returns the never-passed triplets that expired.</summary>
    public int SweepAll(long now)
    {
        var expired = 0;
        foreach (var shard in _shards)
        {
            lock (shard)
            {
                expired += Sweep(shard, now, _settings);
            }
        }
        Interlocked.Add(ref _expired, expired);
        return expired;
    }

    /// <summary>Writes the entries changed since the last flush.</summary>
    public void Flush()
    {
        if (_db is null)
        {
            return;
        }
        var triplets = new List<GreylistSqlite.Change>();
        var clients = new List<GreylistSqlite.Change>();
        foreach (var shard in _shards)
        {
            lock (shard)
            {
                Collect(shard.PendingTriplets!, shard.Triplets, triplets);
                Collect(shard.PendingClients!, shard.Clients, clients);
            }
        }
        _db.Save(triplets, clients);
    }

    private static void Collect(Dictionary<ulong, string> pending, Dictionary<ulong, Packed> map, List<GreylistSqlite.Change> into)
    {
        foreach (var (hash, text) in pending)
        {
            into.Add(map.TryGetValue(hash, out var p)
                ? new GreylistSqlite.Change(hash, true, p.A, p.B, text)
                : new GreylistSqlite.Change(hash, false, 0, 0, ""));
        }
        pending.Clear();
    }

    private async Task LoopAsync(TimeSpan flushInterval)
    {
        using var timer = new PeriodicTimer(flushInterval);
        var lastSweep = _time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = _time.GetUtcNow();
                if (now - lastSweep >= TimeSpan.FromMinutes(1))
                {
                    lastSweep = now;
                    SweepAll(now.ToUnixTimeSeconds());
                }
                Flush();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public ValueTask<IReadOnlyList<TripletRecord>> FindAsync(string needle, int max, CancellationToken cancellationToken)
    {
        if (_db is null)
        {
            return ValueTask.FromResult<IReadOnlyList<TripletRecord>>([]);
        }
        Flush();
        return ValueTask.FromResult<IReadOnlyList<TripletRecord>>(_db.Find(needle, max));
    }

    public ValueTask<ClientEntry> ClientAsync(string address, CancellationToken cancellationToken)
    {
        var hash = Hash(address);
        var shard = ShardOf(hash);
        lock (shard)
        {
            return ValueTask.FromResult(shard.Clients.TryGetValue(hash, out var p) ? new ClientEntry { Exists = true, Count = p.A, Last = p.B } : default);
        }
    }

    public ValueTask<GreylistStoreCounts?> CountsAsync(long now, GreylistSettings settings, CancellationToken cancellationToken)
    {
        long triplets = 0, waiting = 0, passed = 0, clients = 0;
        foreach (var shard in _shards)
        {
            lock (shard)
            {
                foreach (var (_, p) in shard.Triplets)
                {
                    triplets++;
                    if (p.B - (long)p.A >= settings.Delay)
                    {
                        passed++;
                    }
                    else
                    {
                        waiting++;
                    }
                }
                foreach (var (_, p) in shard.Clients)
                {
                    if (p.A >= settings.AutoWhitelist && settings.AutoWhitelist > 0)
                    {
                        clients++;
                    }
                }
            }
        }
        return ValueTask.FromResult<GreylistStoreCounts?>(new GreylistStoreCounts(triplets, waiting, passed, clients, Interlocked.Read(ref _expired)));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Flush();
        _db?.Dispose();
        _stop.Dispose();
    }
}
