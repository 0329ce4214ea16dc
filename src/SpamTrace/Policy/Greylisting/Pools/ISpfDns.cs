using System.Net;
using DnsClient;

namespace SpamTrace.Policy.Greylisting.Pools;

/// <summary>The three DNS questions SPF resolution asks; a failure or NXDOMAIN is an empty answer.</summary>
public interface ISpfDns
{
    /// <summary>The domain's TXT records, each one string (its character-strings joined, as RFC 7208 3.3 says).</summary>
    Task<IReadOnlyList<string>> TxtAsync(string domain);

    Task<IReadOnlyList<string>> MxAsync(string domain);

    /// <summary>A and AAAA addresses of a host.</summary>
    Task<IReadOnlyList<IPAddress>> AddressesAsync(string host);
}

/// <summary>The questions asked with DnsClient.</summary>
public sealed class DnsClientSpfDns(ILookupClient dns) : ISpfDns
{
    public async Task<IReadOnlyList<string>> TxtAsync(string domain)
    {
        var response = await dns.QueryAsync(domain, QueryType.TXT).ConfigureAwait(false);
        return response.HasError ? [] : response.Answers.TxtRecords().Select(r => string.Concat(r.Text)).ToList();
    }

    public async Task<IReadOnlyList<string>> MxAsync(string domain)
    {
        var response = await dns.QueryAsync(domain, QueryType.MX).ConfigureAwait(false);
        return response.HasError ? [] : response.Answers.MxRecords().Select(m => m.Exchange.Value.TrimEnd('.')).ToList();
    }

    public async Task<IReadOnlyList<IPAddress>> AddressesAsync(string host)
    {
        var result = new List<IPAddress>();
        var a = await dns.QueryAsync(host, QueryType.A).ConfigureAwait(false);
        if (!a.HasError)
        {
            result.AddRange(a.Answers.ARecords().Select(r => r.Address));
        }
        var aaaa = await dns.QueryAsync(host, QueryType.AAAA).ConfigureAwait(false);
        if (!aaaa.HasError)
        {
            result.AddRange(aaaa.Answers.AaaaRecords().Select(r => r.Address));
        }
        return result;
    }
}
