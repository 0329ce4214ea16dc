using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Store;

/// <summary>
/// The default store: counters in process memory, exact under concurrency thanks to striped locks taken in a fixed
/// order (all counters of one request are checked and updated under their locks together), persisted to SQLite by a
/// background flush so that counters survive a restart (up to one flush interval) and containment survives always.
/// </summary>
public sealed class EmbeddedStore : IPolicyStore
{
    private const int StripeCount = 256;

    private readonly ConcurrentDictionary<string, CounterState> _counters = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, UserActivity> _users = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ContainedAccount> _contained = new(StringComparer.Ordinal);
    private readonly List<Incident> _memoryIncidents = [];
    private readonly ConcurrentDictionary<string, List<string>> _held = new(StringComparer.Ordinal);
    private readonly object[] _stripes = Enumerable.Range(0, StripeCount).Select(_ => new object()).ToArray();
    private readonly SqlitePersistence? _db;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _flushLoop;
    private readonly TimeSpan _flushInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string? _path;
    private readonly HashSet<string> _pendingDeletes = new(StringComparer.Ordinal);
    private int _failedFlushes;
    private long _nextMemoryIncidentId = 1;

    /// <summary>The longest wait between two attempts to save while the disk keeps failing.</summary>
    internal static readonly TimeSpan MaxFlushBackoff = TimeSpan.FromMinutes(1);

    private sealed class CounterState(LimitAlgorithm algorithm, long windowMs)
    {
        public readonly LimitAlgorithm Algorithm = algorithm;
        public readonly long WindowMs = windowMs;
        public readonly SlidingCounter Sliding = new();
        public readonly TokenBucket Bucket = new();
        public bool Dirty;
    }

    /// <param name="path">SQLite file, or null for memory only (tests, benchmarks).</param>
    /// <param name="flushInterval">How often changed counters are written and empty ones forgotten.</param>
    /// <param name="time">The clock deciding which counters have expired at flush time.</param>
    /// <param name="logger">Where failed saves are reported (with the path and the error), and their recovery.</param>
    public EmbeddedStore(string? path, TimeSpan? flushInterval = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _time = time ?? TimeProvider.System;
        _flushInterval = flushInterval ?? TimeSpan.FromSeconds(2);
        _logger = logger ?? NullLogger.Instance;
        _path = path;
        if (path is not null)
        {
            if (File.Exists(path) && new FileInfo(path).Length == 0)
            {
                _logger.LogWarning("policy store {Path} is an empty file: starting a new store in it", path);
            }
            try
            {
                _db = new SqlitePersistence(path);
                Load(_db);
            }
            catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 11 or 26 } or EndOfStreamException or InvalidCastException)
            {
                _db?.Dispose();
                throw new StoreCorruptException(path, ex.Message);
            }
        }
        _flushLoop = Task.Run(FlushLoopAsync);
    }

    public int CounterCount => _counters.Count;

    /// <summary>Why the last save failed, while saves keep failing.</summary>
    public string? LastFlushError { get; private set; }

    /// <summary>Consecutive failed saves (0 once saving works again).</summary>
    public int FailedFlushes => Volatile.Read(ref _failedFlushes);

    private void Load(SqlitePersistence db)
    {
        foreach (var (key, algorithm, windowMs, data) in db.LoadCounters())
        {
            var state = new CounterState((LimitAlgorithm)algorithm, windowMs);
            using var reader = new BinaryReader(new MemoryStream(data));
            if (state.Algorithm == LimitAlgorithm.Bucket)
            {
                state.Bucket.Tokens = reader.ReadDouble();
                state.Bucket.LastMs = reader.ReadInt64();
            }
            else
            {
                var n = reader.ReadInt32();
                for (var i = 0; i < n; i++)
                {
                    state.Sliding.Add(reader.ReadInt64(), reader.ReadInt64());
                }
            }
            _counters[key] = state;
        }
        foreach (var (user, data) in db.LoadUsers())
        {
            _users[user] = DeserializeUser(data);
        }
        foreach (var contained in db.LoadContained())
        {
            _contained[contained.User] = contained;
        }
    }

    public ValueTask<StoreResult> EvaluateAsync(StoreRequest request, CancellationToken cancellationToken)
    {
        var result = new StoreResult { FailedCheck = -1, BaselinePerHour = -1 };
        result.Contained = request.User is not null && _contained.ContainsKey(request.User);
        if (!result.Contained && request.Checks.Count > 0)
        {
            result.FailedCheck = CheckCounters(request);
        }
        if (request.User is not null)
        {
            TrackUser(request, ref result);
        }
        return ValueTask.FromResult(result);
    }

    private int CheckCounters(StoreRequest request)
    {
        var checks = request.Checks;
        Span<int> stripes = checks.Count <= 32 ? stackalloc int[checks.Count] : new int[checks.Count];
        for (var i = 0; i < checks.Count; i++)
        {
            stripes[i] = (int)((uint)StringComparer.Ordinal.GetHashCode(checks[i].Key) % StripeCount);
        }
        stripes.Sort();
        var taken = 0;
        try
        {
            for (var i = 0; i < stripes.Length; i++)
            {
                if (i == 0 || stripes[i] != stripes[i - 1])
                {
                    Monitor.Enter(_stripes[stripes[i]]);
                    stripes[taken++] = stripes[i];
                }
            }
            return CheckLocked(request);
        }
        finally
        {
            for (var i = taken - 1; i >= 0; i--)
            {
                Monitor.Exit(_stripes[stripes[i]]);
            }
        }
    }

    private int CheckLocked(StoreRequest request)
    {
        var now = request.NowMs;
        var checks = request.Checks;
        for (var i = 0; i < checks.Count; i++)
        {
            var check = checks[i];
            var state = check.Add
                ? _counters.GetOrAdd(check.Key, static (_, c) => new CounterState(c.Algorithm, c.WindowMs), check)
                : _counters.GetValueOrDefault(check.Key);
            if (state is null)
            {
                if (check.Weight > check.Max)
                {
                    return i;
                }
                continue;
            }
            if (check.Algorithm == LimitAlgorithm.Bucket)
            {
                state.Bucket.Refill(now, check.Max, check.WindowMs);
                if (state.Bucket.Tokens < check.Weight)
                {
                    return i;
                }
            }
            else
            {
                state.Sliding.Expire(now - check.WindowMs);
                if (state.Sliding.Sum + check.Weight > check.Max)
                {
                    return i;
                }
            }
        }
        foreach (var check in checks)
        {
            if (check.Add)
            {
                var state = _counters[check.Key];
                if (check.Algorithm == LimitAlgorithm.Bucket)
                {
                    state.Bucket.Tokens -= check.Weight;
                }
                else
                {
                    state.Sliding.Add(now, check.Weight);
                }
                state.Dirty = true;
            }
        }
        return -1;
    }

    private void TrackUser(StoreRequest request, ref StoreResult result)
    {
        var now = request.NowMs;
        var activity = _users.GetOrAdd(request.User!, static (_, n) => new UserActivity { FirstSeenMs = n, CurrentHour = n / 3_600_000 }, now);
        lock (activity)
        {
            var cutoff = now - request.ActivityWindowMs;
            if (request.ClientIp is not null)
            {
                activity.Ips[request.ClientIp] = now;
            }
            if (request.ClientNetwork is not null)
            {
                activity.Networks[request.ClientNetwork] = now;
            }
            result.DistinctIps = UserActivity.Prune(activity.Ips, cutoff);
            result.DistinctNetworks = UserActivity.Prune(activity.Networks, cutoff);
            if (result.FailedCheck >= 0)
            {
                activity.LimitHits.Enqueue(now);
            }
            while (activity.LimitHits.Count > 0 && activity.LimitHits.Peek() <= cutoff)
            {
                activity.LimitHits.Dequeue();
            }
            result.LimitHits = activity.LimitHits.Count;
            activity.AdvanceTo(now / 3_600_000);
            if (request.CountMessage && result.FailedCheck < 0 && !result.Contained)
            {
                activity.Hours[(int)(activity.CurrentHour % UserActivity.HistoryHours)]++;
            }
            result.HourMessages = activity.LastHourEstimate(now);
            result.BaselinePerHour = activity.Baseline(now);
            activity.Dirty = true;
        }
    }

    public ValueTask<bool> TryContainAsync(Incident incident, CancellationToken cancellationToken)
    {
        lock (_contained)
        {
            if (_contained.ContainsKey(incident.User))
            {
                return ValueTask.FromResult(false);
            }
            if (_db is not null)
            {
                incident.Id = _db.Contain(incident);
            }
            else
            {
                incident.Id = _nextMemoryIncidentId++;
                _memoryIncidents.Add(incident);
            }
            _contained[incident.User] = new ContainedAccount(incident.User, incident.At, incident.Id, incident.Reason);
            _held.TryRemove(incident.User, out _);
            _db?.ClearHeld(incident.User);
            return ValueTask.FromResult(true);
        }
    }

    public ValueTask<bool> ReleaseAsync(string user, CancellationToken cancellationToken)
    {
        lock (_contained)
        {
            var removed = _contained.TryRemove(user, out _);
            if (_db is not null)
            {
                removed |= _db.Release(user);
            }
            // A released account starts over: its recent limit hits and IPs would contain it again at once.
            if (_users.TryGetValue(user, out var activity))
            {
                lock (activity)
                {
                    activity.ResetHistory();
                }
            }
            return ValueTask.FromResult(removed);
        }
    }

    public ValueTask RecordHeldAsync(string user, string queueId, CancellationToken cancellationToken)
    {
        var list = _held.GetOrAdd(user, u => _db?.Held(u) ?? []);
        lock (list)
        {
            if (!list.Contains(queueId))
            {
                list.Add(queueId);
                _db?.RecordHeld(user, queueId);
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<string>> HeldAsync(string user, CancellationToken cancellationToken)
    {
        if (_held.TryGetValue(user, out var list))
        {
            lock (list)
            {
                return ValueTask.FromResult<IReadOnlyList<string>>([.. list]);
            }
        }
        return ValueTask.FromResult<IReadOnlyList<string>>(_db?.Held(user) ?? []);
    }

    public ValueTask<IReadOnlyList<ContainedAccount>> ContainedAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<ContainedAccount>>(_contained.Values.OrderBy(c => c.Since).ToList());

    public ValueTask<IReadOnlyList<Incident>> IncidentsAsync(int max, CancellationToken cancellationToken)
    {
        if (_db is not null)
        {
            return ValueTask.FromResult<IReadOnlyList<Incident>>(_db.Incidents(max));
        }
        lock (_contained)
        {
            return ValueTask.FromResult<IReadOnlyList<Incident>>(_memoryIncidents.AsEnumerable().Reverse().Take(max).ToList());
        }
    }

    public ValueTask MarkNotifiedAsync(long incidentId, CancellationToken cancellationToken)
    {
        _db?.MarkNotified(incidentId);
        lock (_contained)
        {
            foreach (var incident in _memoryIncidents.Where(i => i.Id == incidentId))
            {
                incident.Notified = true;
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<UserRate>> TopUsersAsync(int max, long nowMs, CancellationToken cancellationToken)
    {
        var rates = new List<UserRate>();
        foreach (var (user, activity) in _users)
        {
            lock (activity)
            {
                var messages = activity.LastHourEstimate(nowMs);
                var ips = activity.Ips.Count(kv => kv.Value > nowMs - 3_600_000);
                if (messages > 0 || ips > 0)
                {
                    rates.Add(new UserRate(user, messages, ips));
                }
            }
        }
        return ValueTask.FromResult<IReadOnlyList<UserRate>>(rates.OrderByDescending(r => r.MessagesLastHour).ThenByDescending(r => r.DistinctIps).Take(max).ToList());
    }

    public ValueTask<IReadOnlyList<string>> RecentIpsAsync(string user, long nowMs, long windowMs, CancellationToken cancellationToken)
    {
        if (!_users.TryGetValue(user, out var activity))
        {
            return ValueTask.FromResult<IReadOnlyList<string>>([]);
        }
        lock (activity)
        {
            return ValueTask.FromResult<IReadOnlyList<string>>(activity.Ips.Where(kv => kv.Value > nowMs - windowMs).OrderByDescending(kv => kv.Value).Select(kv => kv.Key).ToList());
        }
    }

    private async Task FlushLoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(NextFlushDelay(), _stop.Token).ConfigureAwait(false);
                TryFlush(_time.GetUtcNow().ToUnixTimeMilliseconds());
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The flush interval, doubled after each consecutive failure up to <see cref="MaxFlushBackoff"/>:
    /// a full disk is retried without spinning on it, and saving resumes by itself once there is room.</summary>
    internal TimeSpan NextFlushDelay() => FlushDelay(_flushInterval, FailedFlushes);

    internal static TimeSpan FlushDelay(TimeSpan interval, int failures)
    {
        if (failures == 0)
        {
            return interval;
        }
        var backedOff = interval.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 16));
        return TimeSpan.FromMilliseconds(Math.Min(backedOff, Math.Max(interval.TotalMilliseconds, MaxFlushBackoff.TotalMilliseconds)));
    }

    /// <summary>Flushes and reports the outcome: the first failure at once with the path and the error, the
    /// recovery when it comes. Returns false when the save failed (what it held stays pending).</summary>
    public bool TryFlush(long nowMs)
    {
        try
        {
            Flush(nowMs);
            if (FailedFlushes > 0)
            {
                _logger.LogWarning("policy store {Path}: saving works again after {Failures} failed attempt(s)", _path, FailedFlushes);
                Volatile.Write(ref _failedFlushes, 0);
                LastFlushError = null;
            }
            return true;
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            LastFlushError = ex.Message;
            var failures = Interlocked.Increment(ref _failedFlushes);
            if (failures == 1 || (failures & (failures - 1)) == 0)
            {
                _logger.LogError("policy store {Path}: saving counters failed ({Failures} attempt(s) so far): {Error}; counts are kept in memory and saving is retried, next in {Delay}",
                    _path, failures, ex.Message, NextFlushDelay());
            }
            return false;
        }
    }

    /// <summary>Writes changed counters and users to SQLite and forgets counters whose window is empty. On a failed
    /// write, what it held is marked changed again, so the next flush writes it.</summary>
    public void Flush(long nowMs)
    {
        var changed = new List<(string, int, long, byte[])>();
        var deleted = new List<string>();
        foreach (var (key, state) in _counters)
        {
            var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(key) % StripeCount];
            lock (stripe)
            {
                var empty = state.Algorithm == LimitAlgorithm.Bucket
                    ? nowMs - state.Bucket.LastMs > state.WindowMs
                    : ExpireAndCheckEmpty(state, nowMs);
                if (empty)
                {
                    _counters.TryRemove(key, out _);
                    deleted.Add(key);
                    continue;
                }
                if (!state.Dirty || _db is null)
                {
                    continue;
                }
                state.Dirty = false;
                changed.Add((key, (int)state.Algorithm, state.WindowMs, Serialize(state)));
            }
        }
        var users = new List<(string, byte[])>();
        foreach (var (user, activity) in _users)
        {
            lock (activity)
            {
                if (activity.Dirty && _db is not null)
                {
                    activity.Dirty = false;
                    users.Add((user, SerializeUser(activity)));
                }
            }
        }
        if (_db is null)
        {
            return;
        }
        lock (_pendingDeletes)
        {
            foreach (var key in deleted)
            {
                _pendingDeletes.Add(key);
            }
            deleted = [.. _pendingDeletes.Where(k => !_counters.ContainsKey(k))];
        }
        try
        {
            _db.SaveBatch(changed, deleted, users);
        }
        catch
        {
            MarkChangedAgain(changed, users);
            throw;
        }
        lock (_pendingDeletes)
        {
            _pendingDeletes.Clear();
        }
    }

    private void MarkChangedAgain(List<(string Key, int, long, byte[])> changed, List<(string User, byte[])> users)
    {
        foreach (var (key, _, _, _) in changed)
        {
            if (_counters.TryGetValue(key, out var state))
            {
                var stripe = _stripes[(uint)StringComparer.Ordinal.GetHashCode(key) % StripeCount];
                lock (stripe)
                {
                    state.Dirty = true;
                }
            }
        }
        foreach (var (user, _) in users)
        {
            if (_users.TryGetValue(user, out var activity))
            {
                lock (activity)
                {
                    activity.Dirty = true;
                }
            }
        }
    }

    private static bool ExpireAndCheckEmpty(CounterState state, long nowMs)
    {
        state.Sliding.Expire(nowMs - state.WindowMs);
        return state.Sliding.Count == 0;
    }

    private static byte[] Serialize(CounterState state)
    {
        var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        if (state.Algorithm == LimitAlgorithm.Bucket)
        {
            writer.Write(state.Bucket.Tokens);
            writer.Write(state.Bucket.LastMs);
        }
        else
        {
            writer.Write(state.Sliding.Count);
            foreach (var (time, weight) in state.Sliding.Events())
            {
                writer.Write(time);
                writer.Write(weight);
            }
        }
        writer.Flush();
        return stream.ToArray();
    }

    private static byte[] SerializeUser(UserActivity activity)
    {
        var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(activity.FirstSeenMs);
        writer.Write(activity.CurrentHour);
        foreach (var h in activity.Hours)
        {
            writer.Write(h);
        }
        WriteMap(writer, activity.Ips);
        WriteMap(writer, activity.Networks);
        writer.Write(activity.LimitHits.Count);
        foreach (var hit in activity.LimitHits)
        {
            writer.Write(hit);
        }
        writer.Flush();
        return stream.ToArray();
    }

    private static void WriteMap(BinaryWriter writer, Dictionary<string, long> map)
    {
        writer.Write(map.Count);
        foreach (var (key, at) in map)
        {
            writer.Write(key);
            writer.Write(at);
        }
    }

    private static UserActivity DeserializeUser(byte[] data)
    {
        using var reader = new BinaryReader(new MemoryStream(data));
        var activity = new UserActivity { FirstSeenMs = reader.ReadInt64(), CurrentHour = reader.ReadInt64() };
        for (var i = 0; i < UserActivity.HistoryHours; i++)
        {
            activity.Hours[i] = reader.ReadInt64();
        }
        ReadMap(reader, activity.Ips);
        ReadMap(reader, activity.Networks);
        var hits = reader.ReadInt32();
        for (var i = 0; i < hits; i++)
        {
            activity.LimitHits.Enqueue(reader.ReadInt64());
        }
        return activity;
    }

    private static void ReadMap(BinaryReader reader, Dictionary<string, long> map)
    {
        var n = reader.ReadInt32();
        for (var i = 0; i < n; i++)
        {
            map[reader.ReadString()] = reader.ReadInt64();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _flushLoop.ConfigureAwait(false);
        if (!TryFlush(_time.GetUtcNow().ToUnixTimeMilliseconds()))
        {
            _logger.LogError("policy store {Path}: the final save at shutdown failed: the counts since the last successful save are lost (containment and incidents were written when they happened)", _path);
        }
        _db?.Dispose();
        _stop.Dispose();
    }
}
