using System.Security.Cryptography;
using SpamTrace.Dns.Dkim;

namespace SpamTrace.Tests.Dns.Support;

/// <summary>
/// One NSD instance for a test class, serving every case the DNS audit must tell apart: good and broken SPF
/// (loop, 11 lookups, void lookups, macros), DKIM keys of several sizes, DMARC variants, PTR/FCrDNS/HELO
/// mismatches, and the real blocklist zones answering each code. Private DKIM keys are written to a folder.
/// </summary>
public sealed class DnsTestZones : IAsyncLifetime
{
    public const string Good = "good.test";
    public static readonly string[] BlocklistZones =
    [
        "zen.spamhaus.org", "b.barracudacentral.org", "bl.spamcop.net", "dnsbl-1.uceprotect.net", "dnsbl-2.uceprotect.net",
        "dnsbl-3.uceprotect.net", "psbl.surriel.com", "bl.mailspike.net", "dbl.spamhaus.org", "multi.surbl.org", "list.dnswl.org",
    ];

    public NsdServer? Server { get; private set; }

    public string KeyDirectory { get; } = Directory.CreateTempSubdirectory("spamtrace-dkim-").FullName;

    public string? Unavailable { get; private set; }

    public string KeyPath(string selector) => Path.Combine(KeyDirectory, selector + ".pem");

    public async Task InitializeAsync()
    {
        if (!NsdServer.IsInstalled)
        {
            Unavailable = "nsd is not installed (deps/dns.txt; ./deps/install.sh)";
            return;
        }
        Server = await NsdServer.StartAsync(Zones());
    }

    public Task DisposeAsync()
    {
        Server?.Dispose();
        Directory.Delete(KeyDirectory, recursive: true);
        return Task.CompletedTask;
    }

    private Dictionary<string, string> Zones()
    {
        var zones = new Dictionary<string, string>
        {
            [Good] = $"""
                @ IN TXT "v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 include:_spf.good.test -all"
                _spf IN TXT "v=spf1 ip4:198.51.100.0/24 -all"
                mail IN A 192.0.2.10
                mail IN AAAA 2001:db8::10
                other IN A 192.0.2.10
                _dmarc IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@good.test"
                s2048._domainkey IN TXT {ZoneText.Txt(PublicRecord("s2048", 2048))}
                """,
            ["spf.test"] = """
                loop IN TXT "v=spf1 include:loop2.spf.test -all"
                loop2 IN TXT "v=spf1 include:loop.spf.test -all"
                many IN TXT "v=spf1 a:h1.spf.test a:h2.spf.test a:h3.spf.test a:h4.spf.test a:h5.spf.test a:h6.spf.test a:h7.spf.test a:h8.spf.test a:h9.spf.test a:h10.spf.test a:h11.spf.test -all"
                h1 IN A 203.0.113.1
                h2 IN A 203.0.113.2
                h3 IN A 203.0.113.3
                h4 IN A 203.0.113.4
                h5 IN A 203.0.113.5
                h6 IN A 203.0.113.6
                h7 IN A 203.0.113.7
                h8 IN A 203.0.113.8
                h9 IN A 203.0.113.9
                h10 IN A 203.0.113.10
                h11 IN A 192.0.2.10
                void IN TXT "v=spf1 a:gone1.spf.test a:gone2.spf.test a:gone3.spf.test ip4:192.0.2.10 -all"
                macro IN TXT "v=spf1 exists:%{i}._ip.%{d} -all"
                192.0.2.10._ip.macro IN A 127.0.0.2
                soft IN TXT "v=spf1 ip4:203.0.113.0/24 ~all"
                twice IN TXT "v=spf1 -all"
                twice IN TXT "v=spf1 ip4:192.0.2.10 -all"
                syntax IN TXT "v=spf1 ip4:192.0.2.300 -all"
                _dmarc.soft IN TXT "v=DMARC1; p=reject"
                """,
            ["nospf.test"] = "www IN A 192.0.2.80",
            ["dkim.test"] = $"""
                @ IN TXT "v=spf1 ip4:192.0.2.10 -all"
                _dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@dkim.test"
                k512._domainkey IN TXT {ZoneText.Txt(PublicRecord("k512", 512))}
                k1024._domainkey IN TXT {ZoneText.Txt(PublicRecord("k1024", 1024))}
                k2048t._domainkey IN TXT {ZoneText.Txt(PublicRecord("k2048t", 2048) + "; t=y")}
                mismatch._domainkey IN TXT {ZoneText.Txt(MismatchedRecord("mismatch"))}
                revoked._domainkey IN TXT "v=DKIM1; k=rsa; p="
                garbled._domainkey IN TXT "v=DKIM1; k=rsa; p=not*base64"
                ed._domainkey IN TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
                """,
            ["dmarc.test"] = """
                none IN TXT "v=spf1 ip4:192.0.2.10 -all"
                _dmarc.none IN TXT "v=DMARC1; p=none"
                bad IN TXT "v=spf1 ip4:192.0.2.10 -all"
                _dmarc.bad IN TXT "v=DMARC1; p=maybe; rua=mailto:d@dmarc.test"
                ext IN TXT "v=spf1 ip4:192.0.2.10 -all"
                _dmarc.ext IN TXT "v=DMARC1; p=reject; rua=mailto:agg@reports.test,mailto:agg@authorised.test; pct=50"
                unaligned IN TXT "v=spf1 -all"
                _dmarc.unaligned IN TXT "v=DMARC1; p=reject; rua=mailto:d@dmarc.test"
                """,
            ["reports.test"] = "www IN A 192.0.2.81",
            ["authorised.test"] = "ext.dmarc.test._report._dmarc IN TXT \"v=DMARC1\"",
            ["isp.test"] = """
                mail.mismatch IN A 192.0.2.99
                22-2-0-192.dyn IN A 192.0.2.22
                """,
            ["2.0.192.in-addr.arpa"] = """
                10 IN PTR mail.good.test.
                21 IN PTR mail.mismatch.isp.test.
                22 IN PTR 22-2-0-192.dyn.isp.test.
                """,
            ["8.b.d.0.1.0.0.2.ip6.arpa"] = "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 IN PTR mail.good.test.",
        };
        foreach (var zone in BlocklistZones)
        {
            zones[zone] = "";
        }
        // Spamhaus ZEN: every return code at its own 198.51.100.X, error codes included.
        foreach (var code in new[] { 2, 3, 4, 9, 10, 11 })
        {
            zones["zen.spamhaus.org"] += $"{code}.100.51.198 IN A 127.0.0.{code}\n";
        }
        zones["zen.spamhaus.org"] += """
            12.100.51.198 IN A 127.0.0.2
            12.100.51.198 IN A 127.0.0.11
            12.100.51.198 IN TXT "https://check.spamhaus.org/sbl/query/SBL12345"
            252.100.51.198 IN A 127.255.255.252
            254.100.51.198 IN A 127.255.255.254
            255.100.51.198 IN A 127.255.255.255
            60.100.51.198 IN A 10.0.0.1
            0.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2 IN A 127.0.0.3

            """;
        foreach (var zone in new[] { "b.barracudacentral.org", "bl.spamcop.net", "dnsbl-1.uceprotect.net", "dnsbl-3.uceprotect.net", "psbl.surriel.com", "bl.mailspike.net" })
        {
            zones[zone] += "2.100.51.198 IN A 127.0.0.2\n";
        }
        zones["list.dnswl.org"] += "50.100.51.198 IN A 127.0.5.2\n51.100.51.198 IN A 127.0.0.255\n";
        zones["dbl.spamhaus.org"] += "nospf.test IN A 127.0.1.2\ndmarc.test IN A 127.255.255.254\n";
        zones["multi.surbl.org"] += "nospf.test IN A 127.0.0.72\n";
        return zones;
    }

    private string PublicRecord(string selector, int bits)
    {
        using var rsa = RSA.Create(bits);
        File.WriteAllText(KeyPath(selector), rsa.ExportRSAPrivateKeyPem());
        return DkimKeyRecord.RecordFor(rsa);
    }

    /// <summary>A published key other than the one written to disk for this selector.</summary>
    private string MismatchedRecord(string selector)
    {
        using var onDisk = RSA.Create(2048);
        File.WriteAllText(KeyPath(selector), onDisk.ExportPkcs8PrivateKeyPem());
        using var published = RSA.Create(2048);
        return DkimKeyRecord.RecordFor(published);
    }
}
