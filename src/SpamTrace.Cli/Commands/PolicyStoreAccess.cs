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
        return WithStore(config, direct, cancellationToken);
    }

    public static T WithStore<T>(PolicyConfig config, Func<IPolicyStore, Task<T>> action, CancellationToken cancellationToken)
    {
        if (config.Store.Kind == StoreKind.Embedded && config.Store.Path is null)
        {
            throw new UserFacingException($"{config.SourcePath}: the service is not answering on its admin socket ({config.AdminSocket ?? "listen.admin not set"}) and store.path is not set, so there is no state to read");
        }
        return Run().GetAwaiter().GetResult();

        async Task<T> Run()
        {
            var store = await StoreFactory.CreateAsync(config.Store, NullLogger.Instance, cancellationToken).ConfigureAwait(false);
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
