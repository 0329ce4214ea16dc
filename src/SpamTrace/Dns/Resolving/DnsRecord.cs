using System.Net;

namespace SpamTrace.Dns.Resolving;

/// <summary>
/// One answer record. <see cref="Text"/> holds a TXT record's strings joined without separator (RFC 7208 3.3,
/// RFC 6376 3.6.2.2), a PTR's name or an MX exchange; <see cref="Address"/> an A or AAAA address.
/// </summary>
public sealed record DnsRecord(DnsQueryType Type, string Text, IPAddress? Address = null, int Preference = 0)
{
    public static DnsRecord ForAddress(IPAddress address) =>
        new(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsQueryType.Aaaa : DnsQueryType.A, address.ToString(), address);

    public static DnsRecord ForText(string text) => new(DnsQueryType.Txt, text);

    public static DnsRecord ForPointer(string name) => new(DnsQueryType.Ptr, name);

    public static DnsRecord ForExchange(int preference, string exchange) => new(DnsQueryType.Mx, exchange, Preference: preference);
}
