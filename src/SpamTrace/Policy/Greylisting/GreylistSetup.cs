using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Greylisting.Pools;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Greylisting;

/// <summary>Wires greylisting into a running engine: the stage after the limits, and its metrics section.</summary>
public static class GreylistSetup
{
    public static Greylister Attach(PolicyEngine engine, IGreylistStore store, PolicyConfig config, ILogger logger, IGreylistPoolResolver? pools = null, TimeProvider? time = null)
    {
        pools ??= SpfPoolResolver.Create(config.Greylist.SpfDns, logger);
        var greylister = new Greylister(store, pools, logger, time);
        engine.Greylist = greylister;
        engine.Metrics.Sections.Add(() => greylister.Metrics.Render() + SweptMetric(store));
        if (config.Greylist.Enabled)
        {
            logger.LogInformation("greylisting: {Description}", Describe(config.Greylist));
        }
        return greylister;
    }

    /// <summary>
    /// Applies what the greylister holds outside the config on SIGHUP: the SPF resolver's DNS server and the embedded
    /// store's cap. Timers, mode, text and whitelists need nothing here: each decision reads the engine's current config.
    /// </summary>
    public static void Reload(Greylister greylister, GreylistConfig old, GreylistConfig fresh, ILogger logger, Func<string?, IGreylistPoolResolver>? pools = null)
    {
        if (fresh.SpfDns != old.SpfDns)
        {
            greylister.Pools = (pools ?? (dns => SpfPoolResolver.Create(dns, logger)))(fresh.SpfDns);
        }
        if (greylister.Store is EmbeddedGreylistStore embedded && fresh.MaxTriplets != old.MaxTriplets)
        {
            embedded.MaxTriplets = fresh.MaxTriplets;
        }
    }

    private static string SweptMetric(IGreylistStore store) => store is EmbeddedGreylistStore embedded
        ? $"# HELP spamtrace_greylist_swept_total Never-passed triplets removed by the embedded store's sweep.\n# TYPE spamtrace_greylist_swept_total counter\nspamtrace_greylist_swept_total {embedded.Swept}\n"
        : "";

    public static string Describe(GreylistConfig g) => !g.Enabled
        ? "greylisting off"
        : $"greylisting {(g.Mode == GreylistMode.Training ? "in training mode" : "on")}: delay {Duration.Format(g.Delay)}, retry window {Duration.Format(g.RetryWindow)}, max age {Duration.Format(g.MaxAge)}, "
          + $"auto-whitelist after {(g.AutoWhitelist == 0 ? "never" : g.AutoWhitelist.ToString(System.Globalization.CultureInfo.InvariantCulture))}, /{g.PrefixV4} and /{g.PrefixV6}, "
          + $"SPF pools {(g.SpfPools ? "on" : "off")}, {g.Clients.Count} client and {g.Recipients.Count} recipient whitelist entries";
}
