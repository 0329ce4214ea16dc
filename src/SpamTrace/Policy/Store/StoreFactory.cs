using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Store;

public static class StoreFactory
{
    public static async Task<IPolicyStore> CreateAsync(StoreConfig config, ILogger logger, CancellationToken cancellationToken) => config.Kind switch
    {
        StoreKind.Redis => await RedisStore.ConnectAsync(config, logger).ConfigureAwait(false),
        _ => new EmbeddedStore(config.Path, config.FlushInterval, logger: logger),
    };
}
