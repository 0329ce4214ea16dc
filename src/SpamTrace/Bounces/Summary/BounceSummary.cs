namespace SpamTrace.Bounces.Summary;

/// <summary>
/// Counts bounces by verdict, reason class, receiving provider, origin and day. Keys are capped so a hostile
/// mailbox (every bounce a new origin) cannot grow memory without bound: past the cap they count as "(other)".
/// </summary>
public sealed class BounceSummary
{
    private const int MaxKeys = 10_000;

    public int Messages { get; private set; }
    public int Ours { get; private set; }
    public int Backscatter { get; private set; }
    public int Unknown { get; private set; }
    public int NotBounces { get; private set; }
    public int Feedback { get; private set; }
    public Dictionary<string, int> ByReason { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> ByProvider { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Our bounces by origin key (sasl:LOGIN, local:UID SCRIPT, relay:IP, or "(no origin in headers)").</summary>
    public Dictionary<string, int> OursByOrigin { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> ByDay { get; } = new(StringComparer.Ordinal);

    public void Add(BounceReport report)
    {
        Messages++;
        switch (report.Verdict)
        {
            case BounceVerdict.Ours: Ours++; break;
            case BounceVerdict.Backscatter: Backscatter++; break;
            case BounceVerdict.Unknown: Unknown++; break;
            case BounceVerdict.NotBounce: NotBounces++; return;
        }
        if (report.Kind == BounceKind.Feedback)
        {
            Feedback++;
        }
        foreach (var r in report.Recipients)
        {
            Count(ByReason, r.Reason);
            Count(ByProvider, r.Provider ?? ProviderOf(r.Address));
        }
        if (report.Verdict == BounceVerdict.Ours)
        {
            Count(OursByOrigin, report.Original?.OriginKey ?? "(no origin in headers)");
        }
        if (report.Date is { } d)
        {
            Count(ByDay, d.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static string ProviderOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? "(unknown)" : address[(at + 1)..].ToLowerInvariant();
    }

    private static void Count(Dictionary<string, int> counts, string key)
    {
        if (counts.Count >= MaxKeys && !counts.ContainsKey(key))
        {
            key = "(other)";
        }
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }

    /// <summary>"N of M bounces are ours: 92% from sasl:alice, 8% ...; K are backscatter".</summary>
    public string Headline()
    {
        var bounces = Messages - NotBounces;
        var parts = OursByOrigin.OrderByDescending(p => p.Value).Take(3)
            .Select(p => $"{100.0 * p.Value / Math.Max(1, Ours):F0}% from {p.Key}");
        var ours = Ours == 0 ? "none are ours" : $"{Ours} are ours ({string.Join(", ", parts)})";
        return $"{bounces} bounces and reports in {Messages} messages: {ours}; {Backscatter} are backscatter; {Unknown} quote too little to tell; {NotBounces} are not bounces";
    }
}
