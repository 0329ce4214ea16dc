using DnsClient;
using DnsClient.Protocol;

namespace SpamTrace.Dns.Resolving;

/// <summary>
/// The real resolver: DnsClient over UDP with TCP fallback on truncation, a timeout and retries per server, at
/// most <see cref="DnsResolverOptions.Parallelism"/> queries at once. Every outcome is a status, never an exception.
/// </summary>
public sealed class DnsClientResolver : IDnsResolver, IDisposable
{
    /// <summary>The error text of an answer the server refused to give (REFUSED): it does not serve us.</summary>
    public const string RefusedError = "REFUSED";

    private readonly LookupClient _client;
    private readonly SemaphoreSlim _slots;

    public DnsClientResolver(DnsResolverOptions options)
    {
        var lookup = options.Servers.Count > 0 ? new LookupClientOptions(options.Servers.ToArray()) : new LookupClientOptions();
        lookup.Timeout = options.Timeout;
        lookup.Retries = options.Retries;
        lookup.UseTcpFallback = true;
        lookup.UseCache = true;
        lookup.ThrowDnsErrors = false;
        lookup.ContinueOnDnsError = true;
        lookup.ContinueOnEmptyResponse = false;
        _client = new LookupClient(lookup);
        Servers = _client.NameServers.Select(s => $"{s.Address}:{s.Port}").ToList();
        _slots = new SemaphoreSlim(Math.Max(1, options.Parallelism));
    }

    /// <summary>The servers asked, as ADDRESS:PORT.</summary>
    public IReadOnlyList<string> Servers { get; }

    public async Task<DnsAnswer> QueryAsync(string name, DnsQueryType type, CancellationToken cancellationToken = default)
    {
        if (!DomainNames.IsQueryable(name))
        {
            return DnsAnswer.Failed(DnsStatus.ServerFailure, $"'{name}' is not a name DNS can be asked about");
        }
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var response = await _client.QueryAsync(name, Map(type), QueryClass.IN, cancellationToken).ConfigureAwait(false);
            return Translate(response, type);
        }
        catch (DnsResponseException ex) when (ex.Code == DnsResponseCode.ConnectionTimeout)
        {
            return DnsAnswer.Failed(DnsStatus.Timeout, $"no answer from {string.Join(", ", Servers)} within the timeout");
        }
        catch (DnsResponseException ex)
        {
            return DnsAnswer.Failed(DnsStatus.ServerFailure, ex.DnsError);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or ArgumentException or InvalidOperationException)
        {
            return DnsAnswer.Failed(DnsStatus.ServerFailure, ex.Message);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    private static DnsAnswer Translate(IDnsQueryResponse response, DnsQueryType type)
    {
        switch (response.Header.ResponseCode)
        {
            case DnsHeaderResponseCode.NoError:
                break;
            case DnsHeaderResponseCode.NotExistentDomain:
                return DnsAnswer.NxDomain;
            case DnsHeaderResponseCode.Refused:
                return DnsAnswer.Failed(DnsStatus.ServerFailure, RefusedError);
            default:
                return DnsAnswer.Failed(DnsStatus.ServerFailure, response.Header.ResponseCode.ToString().ToUpperInvariant());
        }
        var records = new List<DnsRecord>();
        foreach (var record in response.Answers)
        {
            var mapped = record switch
            {
                TxtRecord txt when type == DnsQueryType.Txt => DnsRecord.ForText(string.Concat(txt.Text)),
                ARecord a when type == DnsQueryType.A => DnsRecord.ForAddress(a.Address),
                AaaaRecord aaaa when type == DnsQueryType.Aaaa => DnsRecord.ForAddress(aaaa.Address),
                MxRecord mx when type == DnsQueryType.Mx => DnsRecord.ForExchange(mx.Preference, mx.Exchange.Value.TrimEnd('.')),
                PtrRecord ptr when type == DnsQueryType.Ptr => DnsRecord.ForPointer(ptr.PtrDomainName.Value.TrimEnd('.')),
                _ => null,
            };
            if (mapped is not null)
            {
                records.Add(mapped);
            }
        }
        return DnsAnswer.Of(records);
    }

    private static QueryType Map(DnsQueryType type) => type switch
    {
        DnsQueryType.A => QueryType.A,
        DnsQueryType.Aaaa => QueryType.AAAA,
        DnsQueryType.Mx => QueryType.MX,
        DnsQueryType.Txt => QueryType.TXT,
        DnsQueryType.Ptr => QueryType.PTR,
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
