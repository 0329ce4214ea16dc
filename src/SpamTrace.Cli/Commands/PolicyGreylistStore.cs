using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Cli.Commands;

/// <summary>Opens the greylist store directly (the service is stopped): the policy store's SQLite file, or Redis.</summary>
internal static class PolicyGreylistStore
{
    public static T With<T>(PolicyConfig config, Func<IGreylistStore, Task<T>> action)
    {
        if (config.Store.Kind == StoreKind.Embedded && config.Store.Path is null)
        {
            throw new UserFacingException($"{config.SourcePath}: the service is not answering on its admin socket ({config.AdminSocket ?? "listen.admin not set"}) and store.path is not set, so there is no greylisting state to read");
        }
        return Run().GetAwaiter().GetResult();

        async Task<T> Run()
        {
            var store = await GreylistStoreFactory.CreateAsync(config, NullLogger.Instance).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                try
                {
                    return await action(store).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is StackExchange.Redis.RedisException or InvalidOperationException)
                {
                    throw new UserFacingException($"redis {config.Store.Redis}: {ex.Message}");
                }
            }
        }
    }
}
