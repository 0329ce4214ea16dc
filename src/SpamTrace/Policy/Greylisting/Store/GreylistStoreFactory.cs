using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Greylisting.Store;

/// <summary>The greylist store beside the policy store: the same SQLite file, or the same Redis.</summary>
public static class GreylistStoreFactory
{
    public static async Task<IGreylistStore> CreateAsync(PolicyConfig config, ILogger logger) => config.Store.Kind switch
    {
        StoreKind.Redis => await RedisGreylistStore.ConnectAsync(config.Store, logger).ConfigureAwait(false),
        _ => new EmbeddedGreylistStore(config.Store.Path, config.Greylist.MaxTriplets, config.Store.FlushInterval),
    };
}
