using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Greylisting.Pools;

namespace SpamTrace.Tests.Policy.Greylisting;

/// <summary>SPF pool resolution against a fake DNS: mechanisms, includes, redirect, limits, timeouts, caching.</summary>
public sealed class SpfPoolResolverTests
{
    private sealed class FakeDns : ISpfDns
    {
        public Dictionary<string, string[]> Txt { get; } = new(StringComparer.OrdinalIgnoreCase);
        public Dictionary<string, string[]> Mx { get; } = new(StringComparer.OrdinalIgnoreCase);
        public Dictionary<string, string[]> Hosts { get; } = new(StringComparer.OrdinalIgnoreCase);
        public TimeSpan Delay { get; set; }
        public int Queries;

        public async Task<IReadOnlyList<string>> TxtAsync(string domain)
        {
            Interlocked.Increment(ref Queries);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay);
            }
            return Txt.GetValueOrDefault(domain) ?? [];
        }

        public Task<IReadOnlyList<string>> MxAsync(string domain) => Task.FromResult<IReadOnlyList<string>>(Mx.GetValueOrDefault(domain) ?? []);

        public Task<IReadOnlyList<IPAddress>> AddressesAsync(string host) =>
            Task.FromResult<IReadOnlyList<IPAddress>>((Hosts.GetValueOrDefault(host) ?? []).Select(IPAddress.Parse).ToList());
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    private static FakeDns Dns()
    {
        var dns = new FakeDns();
        dns.Txt["gmail.com"] = ["v=spf1 redirect=_spf.google.com", "google-site-verification=abc"];
        dns.Txt["_spf.google.com"] = ["v=spf1 include:_netblocks.google.com include:_netblocks2.google.com ~all"];
        dns.Txt["_netblocks.google.com"] = ["v=spf1 ip4:209.85.128.0/17 ip4:172.253.0.0/16 ~all"];
        dns.Txt["_netblocks2.google.com"] = ["v=spf1 ip6:2a00:1450:4000::/36 ~all"];
        dns.Txt["corp.example"] = ["v=spf1 -ip4:192.0.2.66 a mx:mail.corp.example/28 a:relay.corp.example//64 -all"];
        dns.Hosts["corp.example"] = ["192.0.2.10"];
        dns.Mx["mail.corp.example"] = ["mx1.corp.example"];
        dns.Hosts["mx1.corp.example"] = ["198.51.100.17"];
        dns.Hosts["relay.corp.example"] = ["2001:db8:5:6::1"];
        dns.Txt["two.example"] = ["v=spf1 ip4:192.0.2.0/24 -all", "v=spf1 +all"];
        dns.Txt["softfail.example"] = ["v=spf1 ~ip4:192.0.2.0/24 include:nothing.example ?all"];
        dns.Txt["loop.example"] = ["v=spf1 include:loop.example ip4:192.0.2.1 -all"];
        dns.Txt["macro.example"] = ["v=spf1 exists:%{i}.spf.macro.example a:%{d}.x ip4:203.0.113.5 -all"];
        return dns;
    }

    [Theory]
    [InlineData("gmail.com", "209.85.220.41", "gmail.com")]
    [InlineData("gmail.com", "172.253.63.1", "gmail.com")]
    [InlineData("gmail.com", "2a00:1450:4010:c05::1a", "gmail.com")]
    [InlineData("GMAIL.com", "209.85.220.41", "gmail.com")]
    [InlineData("gmail.com", "198.51.100.1", null)]
    [InlineData("corp.example", "192.0.2.10", "corp.example")]
    [InlineData("corp.example", "192.0.2.66", null)]
    [InlineData("corp.example", "198.51.100.30", "corp.example")]
    [InlineData("corp.example", "198.51.100.33", null)]
    [InlineData("corp.example", "2001:db8:5:6:ffff::9", "corp.example")]
    [InlineData("two.example", "192.0.2.1", null)]
    [InlineData("softfail.example", "192.0.2.1", null)]
    [InlineData("loop.example", "192.0.2.1", "loop.example")]
    [InlineData("macro.example", "203.0.113.5", "macro.example")]
    [InlineData("none.example", "192.0.2.1", null)]
    public async Task A_domain_is_the_pool_of_the_clients_its_spf_record_passes(string domain, string client, string? pool)
    {
        var resolver = new SpfPoolResolver(Dns(), NullLogger.Instance);
        Assert.Equal(pool, await resolver.PoolAsync(domain, IPAddress.Parse(client), Timeout, default));
    }

    [Fact]
    public async Task Each_domain_is_resolved_once_and_then_answered_from_the_cache()
    {
        var dns = Dns();
        var resolver = new SpfPoolResolver(dns, NullLogger.Instance);
        await resolver.PoolAsync("gmail.com", IPAddress.Parse("209.85.220.41"), Timeout, default);
        var queries = dns.Queries;
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal("gmail.com", await resolver.PoolAsync("gmail.com", IPAddress.Parse("172.253.1." + i), Timeout, default));
        }
        Assert.Equal(queries, dns.Queries);
    }

    [Fact]
    public async Task A_lookup_slower_than_the_timeout_answers_no_pool_and_still_fills_the_cache()
    {
        var dns = Dns();
        dns.Delay = TimeSpan.FromMilliseconds(300);
        var resolver = new SpfPoolResolver(dns, NullLogger.Instance);
        Assert.Null(await resolver.PoolAsync("gmail.com", IPAddress.Parse("209.85.220.41"), TimeSpan.FromMilliseconds(20), default));
        await Task.Delay(2000);
        dns.Delay = TimeSpan.Zero;
        Assert.Equal("gmail.com", await resolver.PoolAsync("gmail.com", IPAddress.Parse("209.85.220.41"), TimeSpan.FromMilliseconds(20), default));
    }

    [Fact]
    public async Task More_than_ten_dns_terms_stop_resolution_without_passing_later_terms()
    {
        var dns = Dns();
        dns.Txt["big.example"] = [$"v=spf1 {string.Join(' ', Enumerable.Range(0, 11).Select(i => $"include:i{i}.example"))} ip4:192.0.2.0/24 -all"];
        for (var i = 0; i < 11; i++)
        {
            dns.Txt[$"i{i}.example"] = [$"v=spf1 ip4:10.{i}.0.0/16 -all"];
        }
        var resolver = new SpfPoolResolver(dns, NullLogger.Instance);
        Assert.Equal("big.example", await resolver.PoolAsync("big.example", IPAddress.Parse("10.9.1.1"), Timeout, default));
        Assert.Null(await resolver.PoolAsync("big.example", IPAddress.Parse("10.10.1.1"), Timeout, default));
        Assert.Null(await resolver.PoolAsync("big.example", IPAddress.Parse("192.0.2.1"), Timeout, default));
    }
}
