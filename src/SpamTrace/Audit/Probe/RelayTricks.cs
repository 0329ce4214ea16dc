namespace SpamTrace.Audit.Probe;

/// <summary>
/// The 16 sender/recipient combinations of nmap's smtp-open-relay script, in its order, so that the two can be
/// compared test for test: the plain external recipient, the percent hack, quoted local parts, double @, source
/// routes and bang paths, addressed to the server's name or its IP literal.
/// </summary>
public static class RelayTricks
{
    /// <param name="fromLocal">Local part of the probe sender ("antispam").</param>
    /// <param name="from">The full probe sender (antispam@external).</param>
    /// <param name="toLocal">Local part of the external recipient ("relaytest").</param>
    /// <param name="toDomain">The external domain, not one the server handles.</param>
    /// <param name="serverName">The name the server gives in its greeting (or its IP literal when none).</param>
    /// <param name="ipLiteral">The server's address as an address literal without brackets ("192.0.2.1", "IPv6:2001:db8::1").</param>
    public static IReadOnlyList<RelayTrick> For(string fromLocal, string from, string toLocal, string toDomain, string serverName, string ipLiteral)
    {
        var ip = $"[{ipLiteral}]";
        var fromIp = $"{fromLocal}@{ip}";
        var to = $"{toLocal}@{toDomain}";
        return
        [
            new(1, "null sender", "", to),
            new(2, "external sender", from, to),
            new(3, "sender at server name", $"{fromLocal}@{serverName}", to),
            new(4, "sender at IP literal", fromIp, to),
            new(5, "percent hack at IP literal", fromIp, $"{toLocal}%{toDomain}@{ip}"),
            new(6, "percent hack at server name", fromIp, $"{toLocal}%{toDomain}@{serverName}"),
            new(7, "quoted address", fromIp, $"\"{to}\""),
            new(8, "quoted percent hack", fromIp, $"\"{toLocal}%{toDomain}\""),
            new(9, "double @ at IP literal", fromIp, $"{to}@{ip}"),
            new(10, "quoted address at IP literal", fromIp, $"\"{to}\"@{ip}"),
            new(11, "double @ at server name", fromIp, $"{to}@{serverName}"),
            new(12, "source route via IP literal", fromIp, $"@{ip}:{to}"),
            new(13, "source route via server name", fromIp, $"@{serverName}:{to}"),
            new(14, "bang path", fromIp, $"{toDomain}!{toLocal}"),
            new(15, "bang path at IP literal", fromIp, $"{toDomain}!{toLocal}@{ip}"),
            new(16, "bang path at server name", fromIp, $"{toDomain}!{toLocal}@{serverName}"),
        ];
    }
}
