namespace SpamTrace.Forensics;

/// <summary>
/// Recipient domains repeat endlessly in a log: this hands out one lower-case string per distinct domain, looked up
/// by span, so the per-recipient work allocates nothing once a domain has been seen. Capped: beyond it, strings are
/// made as needed.
/// </summary>
public sealed class DomainInterner(int cap = 200_000)
{
    private readonly Dictionary<string, string> _domains = new(StringComparer.OrdinalIgnoreCase);

    public string DomainOf(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return "";
        }
        var at = address.LastIndexOf('@');
        if (at < 0 || at == address.Length - 1)
        {
            return "";
        }
        var span = address.AsSpan(at + 1).TrimEnd(">.");
        var lookup = _domains.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(span, out var known))
        {
            return known;
        }
        var domain = span.ToString().ToLowerInvariant();
        if (_domains.Count < cap)
        {
            _domains[domain] = domain;
        }
        return domain;
    }
}
