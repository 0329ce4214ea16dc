using System.Net;

namespace SpamTrace.Dns.Resolving;

/// <summary>The outcome of one query: its status, its records (empty unless <see cref="DnsStatus.Ok"/>), and why it failed.</summary>
public sealed record DnsAnswer(DnsStatus Status, IReadOnlyList<DnsRecord> Records, string? Error = null)
{
    public static DnsAnswer NxDomain { get; } = new(DnsStatus.NxDomain, []);

    public static DnsAnswer NoData { get; } = new(DnsStatus.NoData, []);

    public static DnsAnswer Of(IReadOnlyList<DnsRecord> records) => records.Count == 0 ? NoData : new(DnsStatus.Ok, records);

    public static DnsAnswer Failed(DnsStatus status, string error) => new(status, [], error);

    /// <summary>NXDOMAIN or no data: the name answered, with nothing of this type.</summary>
    public bool IsEmpty => Status is DnsStatus.NxDomain or DnsStatus.NoData;

    /// <summary>SERVFAIL or timeout: nothing can be concluded from this query.</summary>
    public bool IsFailure => Status is DnsStatus.ServerFailure or DnsStatus.Timeout;

    public IEnumerable<string> Texts => Records.Select(r => r.Text);

    public IEnumerable<IPAddress> Addresses => Records.Where(r => r.Address is not null).Select(r => r.Address!);

    public override string ToString() => Status == DnsStatus.Ok ? string.Join(", ", Texts) : Error ?? Status.ToString();
}
