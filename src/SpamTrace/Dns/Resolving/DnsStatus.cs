namespace SpamTrace.Dns.Resolving;

/// <summary>
/// How a query ended. The checks need all five apart: SPF counts NXDOMAIN and no-data as void lookups but turns
/// SERVFAIL and timeouts into temperror, and a blocklist that could not be asked must never read as "not listed".
/// </summary>
public enum DnsStatus
{
    /// <summary>The name has records of the type asked for.</summary>
    Ok,

    /// <summary>The name does not exist (RCODE 3).</summary>
    NxDomain,

    /// <summary>The name exists but has no record of this type.</summary>
    NoData,

    /// <summary>The server answered with an error (SERVFAIL, REFUSED, a malformed reply).</summary>
    ServerFailure,

    /// <summary>No answer in time from any server.</summary>
    Timeout,
}
