using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace SpamTrace.Audit.Config;

/// <summary>
/// The defaults Postfix computes from the machine: myhostname, mydomain and mynetworks from the interfaces
/// (IPv4 then IPv6, in interface order, as getifaddrs gives them). Tests pass their own.
/// </summary>
public sealed record HostFacts(string HostName, IReadOnlyList<(IPAddress Address, int PrefixLength)> Interfaces)
{
    public static HostFacts Local()
    {
        var name = System.Net.Dns.GetHostName();
        if (!name.Contains('.'))
        {
            name += ".localdomain";
        }
        var addresses = new List<(IPAddress, int)>();
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
            {
                if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown)) { continue; }
                foreach (var a in nic.GetIPProperties().UnicastAddresses)
                {
                    addresses.Add((a.Address, a.PrefixLength));
                }
            }
        }
        catch (NetworkInformationException)
        {
            addresses.Add((IPAddress.Loopback, 8));
        }
        var ordered = addresses.Where(a => a.Item1.AddressFamily == AddressFamily.InterNetwork)
            .Concat(addresses.Where(a => a.Item1.AddressFamily == AddressFamily.InterNetworkV6)).ToList();
        return new HostFacts(name, ordered);
    }

    public string DomainName => HostName.IndexOf('.') is var dot and > 0 ? HostName[(dot + 1)..] : "localdomain";

    /// <summary>The mynetworks default for a mynetworks_style (host, subnet, class), in Postfix's notation.</summary>
    public string MyNetworks(string style) => string.Join(" ", Interfaces.Select(i => Network(i.Address, i.PrefixLength, style)).Distinct());

    private static string Network(IPAddress address, int prefix, string style)
    {
        var v6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = v6 ? 128 : 32;
        var length = style switch
        {
            "host" => bits,
            "class" when !v6 => address.GetAddressBytes()[0] switch { < 128 => 8, < 192 => 16, < 224 => 24, _ => prefix },
            _ => prefix,
        };
        var net = Mask(address, length);
        var text = net.ToString();
        if (v6)
        {
            var scope = text.IndexOf('%');
            if (scope >= 0) { text = text[..scope]; }
            return $"[{text}]/{length}";
        }
        return $"{text}/{length}";
    }

    private static IPAddress Mask(IPAddress address, int length)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(length - i * 8, 0, 8);
            bytes[i] &= (byte)(0xff << (8 - keep));
        }
        return new IPAddress(bytes);
    }
}
