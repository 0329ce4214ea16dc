namespace SpamTrace.Policy.Limits;

/// <summary>The whole policy service configuration, immutable: a reload builds a new one and swaps it in.</summary>
public sealed class PolicyConfig
{
    public string? SourcePath { get; init; }

    // Listening
    public string? UnixSocket { get; init; }
    public int UnixSocketMode { get; init; } = Convert.ToInt32("666", 8);
    public string? Tcp { get; init; }
    public string? AdminSocket { get; init; }
    public string? Metrics { get; init; }
    public int MaxLineBytes { get; init; } = 8192;
    public int MaxRequestBytes { get; init; } = 65536;
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public int MaxConnections { get; init; } = 20000;

    // State
    public StoreConfig Store { get; init; } = new();

    // Decisions
    public IReadOnlyList<LimitRule> Limits { get; init; } = [];
    public Exemptions Exempt { get; init; } = Exemptions.None;
    public ContainmentConfig Containment { get; init; } = new();
    public string? SenderLoginMap { get; init; }
    public PolicyAction SenderMismatchAction { get; init; } = PolicyAction.Parse("REJECT", "Sender address not owned by the authenticated user", out _);
    public NotifyConfig Notify { get; init; } = new();
    public Greylisting.GreylistConfig Greylist { get; init; } = new();
}

public enum StoreKind
{
    Embedded,
    Redis,
}

public sealed class StoreConfig
{
    public StoreKind Kind { get; init; } = StoreKind.Embedded;

    /// <summary>SQLite file of the embedded store; null keeps everything in memory only.</summary>
    public string? Path { get; init; }
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(2);
    public string Redis { get; init; } = "127.0.0.1:6379";
    public string RedisPrefix { get; init; } = "spamtrace:";

    /// <summary>Longest a decision waits for the store before answering <see cref="OnError"/>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMilliseconds(300);
    public PolicyAction OnError { get; init; } = PolicyAction.Dunno;
}

public sealed class ContainmentConfig
{
    public bool Enabled { get; init; } = true;
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);
    public int MaxDistinctIps { get; init; } = 10;
    public int MaxDistinctNetworks { get; init; } = 5;
    public int NetworkPrefixV4 { get; init; } = 16;
    public int NetworkPrefixV6 { get; init; } = 48;
    /// <summary>Contain when the last hour's messages exceed this multiple of the user's hourly average over 7 days (0 = off).</summary>
    public double BaselineMultiple { get; init; } = 10;
    /// <summary>The baseline rule never fires below this many messages in the hour.</summary>
    public int BaselineMinMessages { get; init; } = 100;
    /// <summary>Contain after this many limit hits within <see cref="Window"/> (0 = off).</summary>
    public int MaxLimitHits { get; init; } = 20;
    public PolicyAction Action { get; init; } = PolicyAction.Parse("HOLD", "account contained by spamtrace: sending suspended pending review", out _);
}

public sealed class NotifyConfig
{
    public string? EmailTo { get; init; }
    public string EmailFrom { get; init; } = "spamtrace@localhost";
    public string SmtpHost { get; init; } = "127.0.0.1";
    public int SmtpPort { get; init; } = 25;
    public string? Webhook { get; init; }
}
