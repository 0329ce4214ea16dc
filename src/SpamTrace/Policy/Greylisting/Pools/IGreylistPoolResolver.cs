using System.Net;

namespace SpamTrace.Policy.Greylisting.Pools;

/// <summary>
/// Names the sending pool a client belongs to for a sender domain: the domain itself when its SPF record authorises
/// the client, so that retries from any address of a provider's pool meet the same triplet. Null means "no pool"
/// (not authorised, no record, DNS failed or too slow): the client's own network is used, as postgrey does.
/// </summary>
public interface IGreylistPoolResolver
{
    ValueTask<string?> PoolAsync(string senderDomain, IPAddress client, TimeSpan timeout, CancellationToken cancellationToken);
}
