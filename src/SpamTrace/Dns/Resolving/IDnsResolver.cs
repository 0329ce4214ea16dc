namespace SpamTrace.Dns.Resolving;

/// <summary>
/// What every DNS check asks of DNS: one question, one <see cref="DnsAnswer"/>. Implementations never throw for
/// DNS outcomes (NXDOMAIN, SERVFAIL, timeouts are statuses); CNAMEs are followed.
/// </summary>
public interface IDnsResolver
{
    Task<DnsAnswer> QueryAsync(string name, DnsQueryType type, CancellationToken cancellationToken = default);
}
