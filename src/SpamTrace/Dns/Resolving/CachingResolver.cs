using System.Collections.Concurrent;

namespace SpamTrace.Dns.Resolving;

/// <summary>
/// Asks each (name, type) once per audit, even when checks ask at the same time: SPF, PTR and HELO checks share
/// many names. Bounded by what one audit asks (a few hundred names).
/// </summary>
public sealed class CachingResolver(IDnsResolver inner) : IDnsResolver
{
    private readonly ConcurrentDictionary<(string, DnsQueryType), Lazy<Task<DnsAnswer>>> _answers = new();

    public int Queries => _answers.Count;

    public IDnsResolver Inner => inner;

    public Task<DnsAnswer> QueryAsync(string name, DnsQueryType type, CancellationToken cancellationToken = default) =>
        _answers.GetOrAdd((DomainNames.Normalize(name), type), key => new Lazy<Task<DnsAnswer>>(() => inner.QueryAsync(key.Item1, key.Item2, cancellationToken))).Value;
}
