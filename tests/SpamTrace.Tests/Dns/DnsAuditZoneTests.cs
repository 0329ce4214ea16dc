using System.Diagnostics;
using System.Net;
using SpamTrace.Audit.Findings;
using SpamTrace.Dns;
using SpamTrace.Dns.Blocklists;
using SpamTrace.Dns.Discovery;
using SpamTrace.Dns.Dkim;
using SpamTrace.Dns.Dmarc;
using SpamTrace.Dns.Ptr;
using SpamTrace.Dns.Resolving;
using SpamTrace.Dns.Spf;
using SpamTrace.Tests.Dns.Support;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Dns;

/// <summary>Each DNS finding shown against NSD serving the zones of <see cref="DnsTestZones"/>, through the real resolver.</summary>
public sealed class DnsAuditZoneTests(DnsTestZones zones, ITestOutputHelper output) : IClassFixture<DnsTestZones>
{
    private static readonly IPAddress Mail4 = IPAddress.Parse("192.0.2.10");
    private static readonly IPAddress Mail6 = IPAddress.Parse("2001:db8::10");

    [SkippableFact]
    public async Task GoodDomainAndTwoAddressesHaveNothingToFix()
    {
        var targets = Targets([DnsTestZones.Good], [Mail4, Mail6], "mail.good.test");
        targets.AddSelector(new DkimSelector(DnsTestZones.Good, "s2048", zones.KeyPath("s2048"), "test"));
        using var real = Resolver();
        var clock = Stopwatch.StartNew();
        var result = await new DnsAudit(new CachingResolver(real)).RunAsync(targets);
        clock.Stop();
        output.WriteLine($"one domain, two addresses, first run in this process: {clock.Elapsed.TotalMilliseconds:0} ms, {result.Queries} queries");
        for (var run = 0; run < 3; run++)
        {
            using var fresh = Resolver();
            var again = Stopwatch.StartNew();
            await new DnsAudit(new CachingResolver(fresh)).RunAsync(targets);
            output.WriteLine($"one domain, two addresses, run {run + 2} (new resolver, nothing cached): {again.Elapsed.TotalMilliseconds:0} ms");
        }
        foreach (var row in result.Section.Rows)
        {
            output.WriteLine(string.Join(" | ", row));
        }
        Assert.All(result.Findings, f => Assert.Equal(AuditSeverity.Info, f.Severity));
        Assert.Equal("dns.dnswl.not-listed", Assert.Single(result.Findings).Id);
        Assert.Contains(result.Section.Rows, r => r[0] == "dkim" && r[2] == "ok" && r[3].Contains("matches the private key"));
        Assert.Contains(result.Section.Rows, r => r[0] == "spf" && r[1] == "good.test for 2001:db8::10" && r[2] == "ok");
        Assert.Contains(result.Section.Rows, r => r[0] == "helo" && r[2] == "ok");
        Assert.Equal(2, result.Section.Rows.Count(r => r[0] == "ptr" && r[2] == "ok"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [SkippableTheory]
    [InlineData("loop.spf.test", "dns.spf.loop")]
    [InlineData("many.spf.test", "dns.spf.too-many-lookups")]
    [InlineData("void.spf.test", "dns.spf.void-lookups")]
    [InlineData("twice.spf.test", "dns.spf.multiple")]
    [InlineData("syntax.spf.test", "dns.spf.permerror")]
    [InlineData("soft.spf.test", "dns.spf.not-authorised")]
    [InlineData("nospf.test", "dns.spf.missing")]
    public async Task BrokenSpfIsNamed(string domain, string id)
    {
        using var real = Resolver();
        var result = await new SpfAudit(real).CheckAsync(domain, [Mail4], "mail.good.test");
        var finding = Assert.Single(result.Findings, f => f.Id == id);
        Assert.Equal(AuditSeverity.High, finding.Severity);
        Assert.DoesNotContain(result.Rows, r => r.Status == "ok" && r.Subject.Contains("192.0.2.10"));
        Assert.All(finding.Fix, f => Assert.StartsWith(domain + ". IN TXT \"v=spf1 ip4:192.0.2.10", f));
    }

    [SkippableFact]
    public async Task ProposedSpfRecordAuthorisesTheServer()
    {
        using var real = Resolver();
        var finding = Assert.Single((await new SpfAudit(real).CheckAsync("soft.spf.test", [Mail4], null)).Findings);
        var published = finding.Fix[0][(finding.Fix[0].IndexOf('"') + 1)..^1];
        Assert.Equal("v=spf1 ip4:192.0.2.10 ip4:203.0.113.0/24 ~all", published);
        var outcome = await new SpfEvaluator(new OverridingResolver(real, "soft.spf.test", published)).CheckHostAsync(Mail4, "soft.spf.test", "postmaster@soft.spf.test", "x.test");
        Assert.Equal(SpfResult.Pass, outcome.Result);
        var other = await new SpfEvaluator(new OverridingResolver(real, "soft.spf.test", published)).CheckHostAsync(IPAddress.Parse("192.0.2.99"), "soft.spf.test", "", "x.test");
        Assert.Equal(SpfResult.SoftFail, other.Result);
    }

    [SkippableFact]
    public async Task SpfMacrosAndLookupsAreEvaluatedOverRealDns()
    {
        using var real = Resolver();
        var macro = await new SpfEvaluator(real).CheckHostAsync(Mail4, "macro.spf.test", "a@macro.spf.test", "h.test");
        Assert.Equal((SpfResult.Pass, "exists:%{i}._ip.%{d}"), (macro.Result, macro.MatchedTerm));
        Assert.Equal(SpfResult.Fail, (await new SpfEvaluator(real).CheckHostAsync(IPAddress.Parse("192.0.2.11"), "macro.spf.test", "", "h.test")).Result);
        var many = await new SpfEvaluator(real).CheckHostAsync(Mail4, "many.spf.test", "", "h.test");
        Assert.Equal((SpfResult.PermError, 11), (many.Result, many.Lookups));
        var good = await SpfCostWalker.WalkAsync(real, DnsTestZones.Good);
        Assert.Equal((1, 0), (good.Lookups, good.VoidLookups));
    }

    [SkippableTheory]
    [InlineData("k512", "dns.dkim.weak-key", AuditSeverity.High)]
    [InlineData("k1024", "dns.dkim.short-key", AuditSeverity.Medium)]
    [InlineData("k2048t", "dns.dkim.testing", AuditSeverity.Medium)]
    [InlineData("mismatch", "dns.dkim.key-mismatch", AuditSeverity.Critical)]
    [InlineData("revoked", "dns.dkim.revoked", AuditSeverity.High)]
    [InlineData("garbled", "dns.dkim.syntax", AuditSeverity.High)]
    public async Task DkimKeyProblemsAreNamed(string selector, string id, AuditSeverity severity)
    {
        using var real = Resolver();
        var key = File.Exists(zones.KeyPath(selector)) ? zones.KeyPath(selector) : null;
        var result = await new DkimAudit(real).CheckAsync("dkim.test", [new DkimSelector("dkim.test", selector, key, "test")], null);
        var finding = Assert.Single(result.Findings);
        Assert.Equal((id, severity), (finding.Id, finding.Severity));
    }

    [SkippableFact]
    public async Task DkimGoodKeysAndMissingRecordsAreTold()
    {
        using var real = Resolver();
        var audit = new DkimAudit(real);
        var ed = await audit.CheckAsync("dkim.test", [new DkimSelector("dkim.test", "ed", null, "test")], null);
        Assert.Empty(ed.Findings);
        Assert.Equal("ed25519 256 bits", Assert.Single(ed.Rows).Detail);

        var unpublished = Assert.Single((await audit.CheckAsync("dkim.test", [new DkimSelector("dkim.test", "unpublished", zones.KeyPath("s2048"), "amavis")], null)).Findings);
        Assert.Equal("dns.dkim.not-published", unpublished.Id);
        Assert.StartsWith("unpublished._domainkey.dkim.test. IN TXT \"v=DKIM1; k=rsa; p=MIIBIjAN", unpublished.Fix[0]);

        var none = Assert.Single((await audit.CheckAsync("dkim.test", [], "amavis")).Findings);
        Assert.Equal("dns.dkim.missing", none.Id);
        Assert.Contains(none.Fix, f => f.StartsWith("amavisd genrsa /var/lib/dkim/dkim.test.pem 2048", StringComparison.Ordinal));
        Assert.Contains((await audit.CheckAsync("dkim.test", [], null)).Findings[0].Fix, f => f.Contains("opendkim-genkey -b 2048 -d dkim.test -s dkim"));
    }

    [SkippableFact]
    public async Task DmarcVariantsAreNamed()
    {
        using var real = Resolver();
        var audit = new DmarcAudit(real);
        Assert.Equal(["dns.dmarc.monitoring", "dns.dmarc.no-rua"], Ids(await audit.CheckAsync("none.dmarc.test", true, true)));
        Assert.Equal(["dns.dmarc.syntax"], Ids(await audit.CheckAsync("bad.dmarc.test", true, true)));
        var ext = await audit.CheckAsync("ext.dmarc.test", true, true);
        Assert.Equal(["dns.dmarc.pct", "dns.dmarc.rua-unauthorised"], Ids(ext));
        Assert.Contains("reports.test", ext.Findings.Single(f => f.Id == "dns.dmarc.rua-unauthorised").Title);
        Assert.Equal("ext.dmarc.test._report._dmarc.reports.test. IN TXT \"v=DMARC1\"", ext.Findings.Single(f => f.Id == "dns.dmarc.rua-unauthorised").Fix[0]);
        var missing = Assert.Single((await audit.CheckAsync("nospf.test", true, true)).Findings);
        Assert.Equal(("dns.dmarc.missing", "_dmarc.nospf.test. IN TXT \"v=DMARC1; p=none; rua=mailto:postmaster@nospf.test; adkim=r; aspf=r\""), (missing.Id, missing.Fix[0]));
        Assert.Empty((await audit.CheckAsync(DnsTestZones.Good, true, false)).Findings);
    }

    [SkippableFact]
    public async Task UnalignedMailIsFoundFromTheSpfAndDkimResults()
    {
        using var real = Resolver();
        var result = await new DnsAudit(real, []).RunAsync(Targets(["unaligned.dmarc.test", "none.dmarc.test"], [Mail4], "mail.good.test"));
        var unaligned = result.Findings.Single(f => f.Id == "dns.dmarc.unaligned");
        Assert.Equal(AuditSeverity.High, unaligned.Severity);
        Assert.Contains("unaligned.dmarc.test", unaligned.Title);
        Assert.Contains(result.Findings, f => f.Id == "dns.spf.not-authorised" && f.Title.Contains("unaligned.dmarc.test"));
        Assert.DoesNotContain(result.Findings, f => f.Id == "dns.dmarc.unaligned" && f.Title.Contains("none.dmarc.test"));
    }

    [SkippableTheory]
    [InlineData("192.0.2.20", "mail.good.test", "dns.ptr.missing")]
    [InlineData("2001:db8::20", "mail.good.test", "dns.ptr.missing")]
    [InlineData("192.0.2.21", "mail.good.test", "dns.ptr.fcrdns")]
    [InlineData("192.0.2.22", "22-2-0-192.dyn.isp.test", "dns.ptr.generic")]
    [InlineData("192.0.2.10", "other.good.test", "dns.helo.ptr-mismatch")]
    [InlineData("192.0.2.10", "nowhere.good.test", "dns.helo.unresolved")]
    [InlineData("192.0.2.10", "localhost", "dns.helo.not-fqdn")]
    public async Task PtrAndHeloProblemsAreNamed(string address, string helo, string id)
    {
        using var real = Resolver();
        var result = await new PtrAudit(real).CheckAsync(IPAddress.Parse(address), helo);
        Assert.Contains(id, Ids(result));
        var finding = result.Findings.First(f => f.Id == id);
        if (address.Contains(':'))
        {
            Assert.Contains("IPv6", finding.Why);
        }
        if (id == "dns.helo.ptr-mismatch")
        {
            Assert.Equal(["dns.helo.ptr-mismatch"], Ids(result));
            Assert.Equal("postconf -e 'smtp_helo_name = mail.good.test'", finding.Fix[0]);
        }
    }

    [SkippableTheory]
    [InlineData("198.51.100.2", "dns.blocklist.spamhaus-zen", "SBL:")]
    [InlineData("198.51.100.3", "dns.blocklist.spamhaus-zen", "SBL CSS")]
    [InlineData("198.51.100.4", "dns.blocklist.spamhaus-zen", "XBL")]
    [InlineData("198.51.100.9", "dns.blocklist.spamhaus-zen", "DROP")]
    [InlineData("198.51.100.10", "dns.blocklist.spamhaus-zen", "PBL (ISP)")]
    [InlineData("198.51.100.11", "dns.blocklist.spamhaus-zen", "PBL (Spamhaus)")]
    [InlineData("198.51.100.252", "dns.blocklist.unchecked", "typo")]
    [InlineData("198.51.100.254", "dns.blocklist.unchecked", "public or open resolver")]
    [InlineData("198.51.100.255", "dns.blocklist.unchecked", "too many queries")]
    [InlineData("198.51.100.60", "dns.blocklist.unchecked", "not a list code")]
    [InlineData("198.51.100.50", "dns.dnswl.listed", "service/network providers, trust medium")]
    [InlineData("198.51.100.51", "dns.dnswl.unchecked", "does not answer")]
    [InlineData("2001:db8::20", "dns.blocklist.spamhaus-zen", "SBL CSS")]
    public async Task EachBlocklistCodeMeansWhatItSays(string address, string id, string meaning)
    {
        using var real = Resolver();
        var result = await new BlocklistAudit(real).CheckAsync([IPAddress.Parse(address)], []);
        var finding = Assert.Single(result.Findings, f => f.Id == id);
        Assert.Contains(meaning, finding.Title);
        if (id.EndsWith(".unchecked", StringComparison.Ordinal))
        {
            Assert.DoesNotContain(result.Findings, f => f.Id.StartsWith("dns.blocklist.spamhaus", StringComparison.Ordinal) || f.Id == "dns.dnswl.listed");
            Assert.Equal(AuditSeverity.Low, finding.Severity);
        }
    }

    [SkippableFact]
    public async Task ListingsCarryTheirDelistingPagesAndReasons()
    {
        using var real = Resolver();
        var everywhere = await new BlocklistAudit(real).CheckAsync([IPAddress.Parse("198.51.100.2")], []);
        Assert.Equal(["dns.blocklist.barracuda", "dns.blocklist.mailspike", "dns.blocklist.psbl", "dns.blocklist.spamcop", "dns.blocklist.spamhaus-zen", "dns.blocklist.uceprotect-1", "dns.blocklist.uceprotect-3", "dns.dnswl.not-listed"], Ids(everywhere));
        Assert.Equal("https://www.barracudacentral.org/rbl/removal-request", everywhere.Findings.Single(f => f.Id == "dns.blocklist.barracuda").Links[0]);
        Assert.Equal(AuditSeverity.Low, everywhere.Findings.Single(f => f.Id == "dns.blocklist.uceprotect-3").Severity);

        var two = Assert.Single((await new BlocklistAudit(real).CheckAsync([IPAddress.Parse("198.51.100.12")], [])).Findings, f => f.Id == "dns.blocklist.spamhaus-zen");
        Assert.Contains("SBL:", two.Title);
        Assert.Contains("PBL (Spamhaus)", two.Title);
        Assert.Contains(two.Evidence, e => e.Value!.Contains("SBL12345"));

        var domains = await new BlocklistAudit(real).CheckAsync([], ["nospf.test", "dmarc.test", DnsTestZones.Good]);
        Assert.Contains("DBL: a spam domain", domains.Findings.Single(f => f.Id == "dns.blocklist.spamhaus-dbl").Title);
        var surbl = domains.Findings.Single(f => f.Id == "dns.blocklist.surbl");
        Assert.Equal((AuditSeverity.Critical, true, true), (surbl.Severity, surbl.Title.Contains("PH: phishing"), surbl.Title.Contains("ABUSE")));
        Assert.Contains("public or open resolver", domains.Findings.Single(f => f.Id == "dns.blocklist.unchecked").Title);
    }

    [SkippableFact]
    public async Task ResolverThatRefusesStopsTheAuditInsteadOfReporting()
    {
        using var real = Resolver();
        var error = await Assert.ThrowsAsync<DnsUnavailableException>(() => new DnsAudit(new CachingResolver(real)).RunAsync(Targets(["example.org"], [], null)));
        Assert.Contains("REFUSED", error.Message);
    }

    [Fact]
    public async Task NoDnsReachableIsAClearErrorNotAFinding()
    {
        using var silent = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var resolver = new DnsClientResolver(new DnsResolverOptions { Servers = [(IPEndPoint)silent.Client.LocalEndPoint!], Timeout = TimeSpan.FromMilliseconds(200), Retries = 0 });
        var error = await Assert.ThrowsAsync<DnsUnavailableException>(() => new DnsAudit(new CachingResolver(resolver)).RunAsync(Targets(["example.test"], [Mail4], "mail.example.test")));
        Assert.Contains("does not answer", error.Message);
        Assert.Contains(((IPEndPoint)silent.Client.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }

    private DnsClientResolver Resolver()
    {
        Skip.If(zones.Unavailable is not null, zones.Unavailable);
        return zones.Server!.Resolver();
    }

    private static DnsTargets Targets(string[] domains, IPAddress[] addresses, string? helo)
    {
        var targets = new DnsTargets();
        foreach (var d in domains)
        {
            targets.AddDomain(d, "test");
        }
        targets.Addresses.AddRange(addresses.Select(a => new Sourced<IPAddress>(a, "test")));
        targets.Helo = helo is null ? null : new Sourced<string>(helo, "test");
        return targets;
    }

    private static List<string> Ids(DnsCheckOutput output) => output.Findings.Select(f => f.Id).Order(StringComparer.Ordinal).ToList();

    /// <summary>Answers one name's TXT with a record to be published, everything else from DNS.</summary>
    private sealed class OverridingResolver(IDnsResolver inner, string name, string text) : IDnsResolver
    {
        public Task<DnsAnswer> QueryAsync(string query, DnsQueryType type, CancellationToken cancellationToken = default) =>
            type == DnsQueryType.Txt && DomainNames.Normalize(query) == name
                ? Task.FromResult(DnsAnswer.Of([DnsRecord.ForText(text)]))
                : inner.QueryAsync(query, type, cancellationToken);
    }
}
