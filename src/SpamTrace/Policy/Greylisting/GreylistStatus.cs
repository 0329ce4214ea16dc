namespace SpamTrace.Policy.Greylisting;

/// <summary>Greylisting figures for `policy status`: the running service's counters and what the store holds.</summary>
public sealed class GreylistStatus
{
    public bool Enabled { get; set; }
    public string Settings { get; set; } = "";

    /// <summary>False when read from the store with the service stopped: the counters are then unknown.</summary>
    public bool Counters { get; set; }
    public long Greylisted { get; set; }
    public long WouldGreylist { get; set; }
    public long PassedAfterRetry { get; set; }
    public long Passed { get; set; }
    public long AutoWhitelistedPasses { get; set; }
    public long NewlyAutoWhitelisted { get; set; }
    public long Whitelisted { get; set; }
    public long Skipped { get; set; }
    public long Expired { get; set; }
    public long Pooled { get; set; }
    public long StoreErrors { get; set; }

    /// <summary>Store contents; null for a shared Redis store (counting would scan it).</summary>
    public long? Triplets { get; set; }
    public long? Waiting { get; set; }
    public long? PassedTriplets { get; set; }
    public long? AutoWhitelistedClients { get; set; }

    public List<SlowPool> SlowestPools { get; set; } = [];

    public static async Task<GreylistStatus> FromAsync(Greylister? greylister, Store.IGreylistStore store, GreylistConfig g, int top, long now, CancellationToken cancellationToken)
    {
        var status = new GreylistStatus { Enabled = g.Enabled, Settings = GreylistSetup.Describe(g) };
        if (greylister is not null)
        {
            var m = greylister.Metrics;
            status.Counters = true;
            status.Greylisted = m.Greylisted;
            status.WouldGreylist = m.WouldGreylist;
            status.PassedAfterRetry = m.PassedAfterRetry;
            status.Passed = m.Passed;
            status.AutoWhitelistedPasses = m.AutoWhitelistedPasses;
            status.NewlyAutoWhitelisted = m.NewlyAutoWhitelisted;
            status.Whitelisted = m.Whitelisted;
            status.Skipped = m.Skipped;
            status.Expired = m.Expired + (store is Store.EmbeddedGreylistStore e ? e.Swept : 0);
            status.Pooled = m.Pooled;
            status.StoreErrors = m.StoreErrors;
            status.SlowestPools = greylister.SlowPools.Slowest(top);
        }
        if (await store.CountsAsync(now, g.Settings, cancellationToken).ConfigureAwait(false) is { } counts)
        {
            status.Triplets = counts.Triplets;
            status.Waiting = counts.Waiting;
            status.PassedTriplets = counts.Passed;
            status.AutoWhitelistedClients = counts.AutoWhitelistedClients;
        }
        return status;
    }
}
