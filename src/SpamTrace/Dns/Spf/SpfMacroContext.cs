using System.Net;

namespace SpamTrace.Dns.Spf;

/// <summary>What the macros of RFC 7208 section 7 expand to, for one check_host() call.</summary>
public sealed record SpfMacroContext(
    IPAddress Ip,
    string Sender,
    string LocalPart,
    string SenderDomain,
    string Domain,
    string Helo,
    string Receiver,
    DateTimeOffset Now)
{
    /// <summary>The same context for a nested include or redirect: only the current domain changes.</summary>
    public SpfMacroContext ForDomain(string domain) => this with { Domain = domain };
}
