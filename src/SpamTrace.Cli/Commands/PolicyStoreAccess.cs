using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Admin;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Store;

namespace SpamTrace.Cli.Commands;

/// <summary>
/// Admin commands go to the running service (so they act on its memory at once); when no service answers on the admin
/// socket, they open the store directly: the SQLite file of the embedded store, or Redis.
/// </summary>
internal static class PolicyStoreAccess
{
    public static AdminResult Admin(PolicyConfig config, string command, Func<IPolicyStore, Task<AdminResult>> direct, CancellationToken cancellationToken)
    {
        var reply = AdminClient.SendAsync(config.AdminSocket, command, cancellationToken).GetAwaiter().GetResult();
        if (reply is not null)
        {
            return AdminProtocol.ParseResult(reply) ?? throw new UserFacingException($"{config.AdminSocket}: unreadable admin reply");
        }
        RefuseWhenRunningWithoutAdmin(config, command.Split(' ')[0].ToLowerInvariant());
        return WithStore(config, direct, cancellationToken);
    }

    /// <summary>
    /// The embedded store lives in the running service's memory: writing its SQLite file behind the service's back
    /// would print success and change nothing it decides. Redis is shared, so a direct write takes effect.
    /// </summary>
    private static void RefuseWhenRunningWithoutAdmin(PolicyConfig config, string verb)
    {
        if (config.Store.Kind != StoreKind.Embedded || ServiceProbe.Listening(config) is not { } listener)
        {
            return;
        }
        var where = config.AdminSocket is null
            ? $"it has no admin socket: add \"admin\": \"/run/spamtrace/admin.sock\" to the \"listen\" section of {config.SourcePath ?? "the policy config"} and restart the service (systemctl restart spamtrace-policy)"
            : $"its admin socket {config.AdminSocket} does not answer: check the path and its permissions (run as root or the service's user), or restart the service";
        throw new UserFacingException(
            $"policy {verb}: the policy service is running ({listener} answers) but {where}. Nothing was changed: " +
            "with the embedded store, the running service keeps its state in memory, so writing the store file would not reach it.");
    }

    /// <summary>What `policy status` says of a service whose admin socket did not answer.</summary>
    public static string DescribeUnreachable(PolicyConfig config) => ServiceProbe.Listening(config) is { } listener
        ? $"running ({listener} answers), but {(config.AdminSocket is null ? "no admin socket (listen.admin)" : $"its admin socket {config.AdminSocket} does not answer")}: figures read from the store, as of its last save"
        : "not running (read from the store)";

    public static T WithStore<T>(PolicyConfig config, Func<IPolicyStore, Task<T>> action, CancellationToken cancellationToken)
    {
        if (config.Store.Kind == StoreKind.Embedded && config.Store.Path is null)
        {
            throw new UserFacingException($"{config.SourcePath}: the service is not answering on its admin socket ({config.AdminSocket ?? "listen.admin not set"}) and store.path is not set, so there is no state to read");
        }
        return Run().GetAwaiter().GetResult();

        async Task<T> Run()
        {
            IPolicyStore store;
            try
            {
                store = await StoreFactory.CreateAsync(config.Store, NullLogger.Instance, cancellationToken).ConfigureAwait(false);
            }
            catch (StoreCorruptException ex)
            {
                throw new UserFacingException(ex.Message);
            }
            await using (store.ConfigureAwait(false))
            {
                try
                {
                    return await action(store).ConfigureAwait(false);
                }
                catch (StackExchange.Redis.RedisException ex)
                {
                    throw new UserFacingException($"redis {config.Store.Redis}: {ex.Message}");
                }
            }
        }
    }
}
