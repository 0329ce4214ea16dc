using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Store;

/// <summary>
/// One counter to check as part of one atomic evaluation: it passes when <see cref="Weight"/> more would stay within
/// <see cref="Max"/>. When every check passes, those with <see cref="Add"/> are incremented by their weight.
/// </summary>
public readonly record struct CounterCheck(string Key, LimitAlgorithm Algorithm, long Max, long WindowMs, long Weight, bool Add);

/// <summary>Everything one policy request asks of the store, answered in one atomic step (one round trip for Redis).</summary>
public sealed class StoreRequest
{
    public long NowMs { get; set; }

    /// <summary>SASL user whose containment state is read and whose activity is tracked; null for unauthenticated mail.</summary>
    public string? User { get; set; }
    public string? ClientIp { get; set; }
    public string? ClientNetwork { get; set; }

    /// <summary>Window over which distinct IPs, networks and limit hits are counted.</summary>
    public long ActivityWindowMs { get; set; } = 3_600_000;

    /// <summary>Count one message in the user's hourly history (for the baseline) when the checks pass.</summary>
    public bool CountMessage { get; set; }

    public List<CounterCheck> Checks { get; } = [];

    public void Reset()
    {
        User = ClientIp = ClientNetwork = null;
        CountMessage = false;
        Checks.Clear();
    }
}

public struct StoreResult
{
    public bool Contained;

    /// <summary>Index into <see cref="StoreRequest.Checks"/> of the first check that failed, or -1.</summary>
    public int FailedCheck;
    public int DistinctIps;
    public int DistinctNetworks;
    public int LimitHits;

    /// <summary>Messages of the user in the current hour (estimate of the last 60 minutes).</summary>
    public long HourMessages;

    /// <summary>Average messages per hour over the previous 7 days; -1 when there is not a day of history yet.</summary>
    public double BaselinePerHour;
}

public sealed record ContainedAccount(string User, DateTimeOffset Since, long IncidentId, string Reason);

public sealed record UserRate(string User, long MessagesLastHour, int DistinctIps);

/// <summary>
/// Counters, containment and incidents. Implementations must make <see cref="EvaluateAsync"/> atomic: under any
/// concurrency, no more than a limit's Max is ever admitted within its window.
/// </summary>
public interface IPolicyStore : IAsyncDisposable
{
    ValueTask<StoreResult> EvaluateAsync(StoreRequest request, CancellationToken cancellationToken);

    /// <summary>Contains the user unless already contained; true when this call contained it (the incident is new and has its Id set).</summary>
    ValueTask<bool> TryContainAsync(Incident incident, CancellationToken cancellationToken);

    ValueTask<bool> ReleaseAsync(string user, CancellationToken cancellationToken);

    /// <summary>Remembers the queue ID of a contained user's message that Postfix put on hold.</summary>
    ValueTask RecordHeldAsync(string user, string queueId, CancellationToken cancellationToken);

    /// <summary>Queue IDs held for the user since its containment (kept after release, until the next containment).</summary>
    ValueTask<IReadOnlyList<string>> HeldAsync(string user, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<ContainedAccount>> ContainedAsync(CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<Incident>> IncidentsAsync(int max, CancellationToken cancellationToken);

    ValueTask MarkNotifiedAsync(long incidentId, CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<UserRate>> TopUsersAsync(int max, long nowMs, CancellationToken cancellationToken);

    /// <summary>Distinct client IPs of the user within the activity window, most recent first (incident evidence).</summary>
    ValueTask<IReadOnlyList<string>> RecentIpsAsync(string user, long nowMs, long windowMs, CancellationToken cancellationToken);
}
