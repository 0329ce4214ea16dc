using SpamTrace.Policy.Greylisting.Whitelists;

namespace SpamTrace.Policy.Greylisting;

public enum GreylistMode
{
    /// <summary>Defer first attempts.</summary>
    Enforce,

    /// <summary>Record and log what would have been deferred; answer DUNNO.</summary>
    Training,
}

/// <summary>The "greylist" section of the policy config. Defaults are postgrey's.</summary>
public sealed class GreylistConfig
{
    public bool Enabled { get; init; }
    public GreylistMode Mode { get; init; } = GreylistMode.Enforce;

    /// <summary>How long a new triplet is deferred (postgrey --delay, 300 s).</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>A triplet not retried within this time starts over (postgrey --retry-window, 2 days).</summary>
    public TimeSpan RetryWindow { get; init; } = TimeSpan.FromDays(2);

    /// <summary>A passed triplet or auto-whitelisted client unseen this long is forgotten (postgrey --max-age, 35 days).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(35);

    /// <summary>Clients pass without greylisting after this many successful retries, one an hour counting; 0 = off.</summary>
    public int AutoWhitelist { get; init; } = 5;

    public int PrefixV4 { get; init; } = 24;
    public int PrefixV6 { get; init; } = 64;

    /// <summary>The access(5) verb of the deferral: DEFER_IF_PERMIT lets a later restriction's reject win.</summary>
    public string Action { get; init; } = "DEFER_IF_PERMIT";

    /// <summary>Reply text; %s is the seconds still to wait, %r the recipient domain (postgrey's placeholders).</summary>
    public string Text { get; init; } = "Greylisted, retry in %s seconds";

    public NetworkList MyNetworks { get; init; } = NetworkList.Loopback();
    public IReadOnlyList<string> WhitelistClientFiles { get; init; } = [];
    public IReadOnlyList<string> WhitelistRecipientFiles { get; init; } = [];
    public ClientWhitelist Clients { get; init; } = ClientWhitelist.Empty;
    public RecipientWhitelist Recipients { get; init; } = RecipientWhitelist.Empty;

    /// <summary>Merge a sender domain's SPF-authorised clients into one pool key.</summary>
    public bool SpfPools { get; init; } = true;

    /// <summary>Longest a decision waits for a pool's SPF lookup; after it, no pool for this request (fail open).</summary>
    public TimeSpan SpfTimeout { get; init; } = TimeSpan.FromMilliseconds(1500);

    /// <summary>DNS server for the SPF lookups, "host:port"; null uses the system's resolvers.</summary>
    public string? SpfDns { get; init; }

    /// <summary>Fold SRS0/SRS1 forwarder senders to the original sender (postgrey does not).</summary>
    public bool FoldSrs { get; init; } = true;

    /// <summary>Log every decision (true) or only deferrals, first passes and new auto-whitelistings.</summary>
    public bool LogPasses { get; init; } = true;

    /// <summary>Cap of the embedded store's triplets: beyond it the oldest unpassed ones are dropped first.</summary>
    public int MaxTriplets { get; init; } = 5_000_000;

    internal GreylistSettings Settings => new((long)Delay.TotalSeconds, (long)RetryWindow.TotalSeconds, (long)MaxAge.TotalSeconds, AutoWhitelist);
}

/// <summary>The timers in seconds, as the stores apply them.</summary>
public readonly record struct GreylistSettings(long Delay, long RetryWindow, long MaxAge, int AutoWhitelist);
