using System.Net;
using SpamTrace.Audit.Config;
using SpamTrace.Dns.Discovery;

namespace SpamTrace.Tests.Dns;

/// <summary>master.cf smtp transports with their own -o smtp_bind_address and -o smtp_helo_name are checked as that pair.</summary>
public sealed class TransportHeloDiscoveryTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("spamtrace-helo-");

    public void Dispose() => _dir.Delete(recursive: true);

    private DnsTargets Discover(string masterExtra)
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "main.cf"), """
            compatibility_level = 3.6
            myhostname = mail.example.com
            mydomain = example.com
            smtp_bind_address = 198.51.100.10
            """);
        File.WriteAllText(Path.Combine(_dir.FullName, "master.cf"), """
            smtp      inet  n       -       y       -       -       smtpd
            smtp      unix  -       -       y       -       -       smtp
            """ + "\n" + masterExtra + "\n");
        var config = new PostfixConfigLoader(runner: null).Load(_dir.FullName);
        return DnsDiscovery.Discover(new DnsDiscoveryOptions { Config = config });
    }

    [Fact]
    public void A_transport_binding_its_own_address_says_its_own_helo_from_it()
    {
        var targets = Discover("""
            bulk      unix  -       -       y       -       -       smtp
              -o smtp_bind_address=198.51.100.20
              -o smtp_helo_name=bulk.example.com
            """);
        Assert.Equal("mail.example.com", targets.Helo?.Value);
        Assert.Equal("mail.example.com", targets.HeloOf(IPAddress.Parse("198.51.100.10"))?.Value);
        var bulk = targets.HeloOf(IPAddress.Parse("198.51.100.20"));
        Assert.Equal("bulk.example.com", bulk?.Value);
        Assert.Contains("master.cf", bulk!.Source);
        Assert.Contains(targets.Addresses, a => a.Value.Equals(IPAddress.Parse("198.51.100.20")));
    }

    [Fact]
    public void A_transport_helo_from_the_default_address_is_told_not_silently_dropped()
    {
        var targets = Discover("""
            relay     unix  -       -       y       -       -       smtp
              -o smtp_helo_name=relay.example.com
            """);
        Assert.Empty(targets.HeloByAddress);
        Assert.Contains(targets.Notes, n => n.Contains("relay transport says HELO relay.example.com", StringComparison.Ordinal) && n.Contains("--helo relay.example.com", StringComparison.Ordinal));
    }

    [Fact]
    public void Helo_given_on_the_command_line_wins_for_every_address()
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "main.cf"), "myhostname = mail.example.com\nsmtp_bind_address = 198.51.100.10\n");
        File.WriteAllText(Path.Combine(_dir.FullName, "master.cf"), "bulk unix - - y - - smtp\n  -o smtp_bind_address=198.51.100.20\n  -o smtp_helo_name=bulk.example.com\n");
        var config = new PostfixConfigLoader(runner: null).Load(_dir.FullName);
        var targets = DnsDiscovery.Discover(new DnsDiscoveryOptions { Config = config, Helo = "given.example.com" });
        Assert.Equal("given.example.com", targets.HeloOf(IPAddress.Parse("198.51.100.20"))?.Value);
    }
}
