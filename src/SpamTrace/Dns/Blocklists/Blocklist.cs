namespace SpamTrace.Dns.Blocklists;

/// <summary>What a list is asked about.</summary>
public enum BlocklistQuery
{
    /// <summary>IPv4 addresses only.</summary>
    Ip,

    /// <summary>IPv4 and IPv6 (nibble-reversed) addresses.</summary>
    Ip46,

    /// <summary>Domain names.</summary>
    Domain,

    /// <summary>An allowlist of addresses (DNSWL): a listing is good news.</summary>
    Allow,
}

/// <summary>One list: its zone, what it lists, its pages, and the meaning of its answers.</summary>
public sealed record Blocklist(string Id, string Zone, BlocklistQuery Query, string Name, string LookupPage, string DelistPage, IReadOnlyList<BlocklistCode> Codes);

/// <summary>One answer a list gives: an exact address, or a bit of a bitmask answer (SURBL), and what it means.</summary>
public sealed record BlocklistCode(string Code, bool IsError, Audit.Findings.AuditSeverity Severity, string Meaning)
{
    public int? Bit => Code.StartsWith("bit:", StringComparison.Ordinal) ? int.Parse(Code[4..], System.Globalization.CultureInfo.InvariantCulture) : null;
}
