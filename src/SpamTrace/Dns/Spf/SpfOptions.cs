namespace SpamTrace.Dns.Spf;

/// <summary>Limits and defaults of one evaluator; the defaults are RFC 7208's.</summary>
public sealed record SpfOptions
{
    /// <summary>Terms that cause DNS queries, per check_host() evaluation (RFC 7208 4.6.4).</summary>
    public int MaxLookups { get; init; } = 10;

    /// <summary>Queries answering NXDOMAIN or nothing (RFC 7208 4.6.4: "SHOULD limit void lookups to two").</summary>
    public int MaxVoidLookups { get; init; } = 2;

    /// <summary>MX records and PTR names looked at per mechanism (RFC 7208 4.6.4).</summary>
    public int MaxNames { get; init; } = 10;

    /// <summary>%{r}: the receiving host's domain.</summary>
    public string Receiver { get; init; } = "unknown";

    /// <summary>The explanation given for fail when the record has no usable exp= (null: none).</summary>
    public string? DefaultExplanation { get; init; }

    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;
}
