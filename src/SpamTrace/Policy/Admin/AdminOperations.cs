using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Store;

namespace SpamTrace.Policy.Admin;

/// <summary>The admin operations, on a store, shared by the admin socket (service running) and the CLI (service stopped).</summary>
public static class AdminOperations
{
    public static async Task<AdminStatus> StatusAsync(IPolicyStore store, PolicyConfig config, int top, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return new AdminStatus
        {
            Store = config.Store.Kind == StoreKind.Redis ? $"redis {config.Store.Redis}" : $"embedded {config.Store.Path ?? "(memory)"}",
            TopUsers = [.. await store.TopUsersAsync(top, now, cancellationToken).ConfigureAwait(false)],
            Contained = [.. await store.ContainedAsync(cancellationToken).ConfigureAwait(false)],
            Incidents = [.. await store.IncidentsAsync(20, cancellationToken).ConfigureAwait(false)],
        };
    }

    public static async Task<AdminResult> BlockAsync(IPolicyStore store, string user, Func<Incident, Task<bool>>? contain, CancellationToken cancellationToken)
    {
        user = user.Trim().ToLowerInvariant();
        var incident = new Incident
        {
            User = user,
            At = DateTimeOffset.UtcNow,
            Reason = "manual",
            Evidence = $"rule: manual: blocked by an administrator (spamtrace policy block {user})",
        };
        var changed = contain is not null
            ? await contain(incident).ConfigureAwait(false)
            : await store.TryContainAsync(incident, cancellationToken).ConfigureAwait(false);
        return new AdminResult { Changed = changed, Message = changed ? $"{user}: contained (incident {incident.Id})" : $"{user}: already contained" };
    }

    public static async Task<AdminResult> ReleaseAsync(IPolicyStore store, string user, CancellationToken cancellationToken)
    {
        user = user.Trim().ToLowerInvariant();
        var changed = await store.ReleaseAsync(user, cancellationToken).ConfigureAwait(false);
        var held = await store.HeldAsync(user, cancellationToken).ConfigureAwait(false);
        return new AdminResult
        {
            Changed = changed,
            Message = changed ? $"{user}: released ({held.Count} held message(s))" : $"{user}: was not contained",
            Held = [.. held],
        };
    }
}
