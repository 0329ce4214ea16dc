using System.Globalization;
using System.Net;

namespace SpamTrace.Dns.Resolving;

/// <summary>A resolver given as HOST[:PORT]: an IPv4 address, an IPv6 address (bracketed when a port follows), or a host name.</summary>
public static class ResolverEndpoint
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="DnsUnavailableException"/> naming what is wrong.</summary>
    public static IPEndPoint Parse(string text)
    {
        var host = text.Trim();
        var port = 53;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']');
            if (close < 0)
            {
                throw new DnsUnavailableException($"--resolver {text}: missing ']'");
            }
            var rest = host[(close + 1)..];
            host = host[1..close];
            if (rest.Length > 0 && (!rest.StartsWith(':') || !TryPort(rest[1..], out port)))
            {
                throw new DnsUnavailableException($"--resolver {text}: the port must be a number 1-65535");
            }
        }
        else if (host.Count(c => c == ':') == 1)
        {
            var colon = host.IndexOf(':');
            if (!TryPort(host[(colon + 1)..], out port))
            {
                throw new DnsUnavailableException($"--resolver {text}: the port must be a number 1-65535");
            }
            host = host[..colon];
        }
        if (IPAddress.TryParse(host, out var ip))
        {
            return new IPEndPoint(ip, port);
        }
        if (host.Length == 0 || !DomainNames.IsQueryable(host))
        {
            throw new DnsUnavailableException($"--resolver {text}: not an address or host name (HOST[:PORT], [IPv6]:PORT)");
        }
        try
        {
            return new IPEndPoint(System.Net.Dns.GetHostAddresses(host)[0], port);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IndexOutOfRangeException)
        {
            throw new DnsUnavailableException($"--resolver {text}: cannot resolve {host} ({ex.Message})");
        }
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;
}
