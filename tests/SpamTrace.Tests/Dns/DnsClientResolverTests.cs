using System.Net;
using System.Net.Sockets;
using SpamTrace.Dns.Resolving;
using SpamTrace.Tests.Dns.Support;

namespace SpamTrace.Tests.Dns;

/// <summary>The real resolver against NSD on loopback: every status apart, TCP fallback, timeouts.</summary>
public sealed class DnsClientResolverTests
{
    private static readonly Dictionary<string, string> Zones = new()
    {
        ["resolver.test"] = $"""
            txt IN TXT {ZoneText.Txt("v=spf1 " + new string('x', 300) + " -all")}
            host IN A 192.0.2.1
            host IN AAAA 2001:db8::1
            @ IN MX 10 host.resolver.test.
            alias IN CNAME host.resolver.test.
            big IN TXT {ZoneText.Txt(new string('a', 250))}
            """ + string.Concat(Enumerable.Range(0, 40).Select(i => $"\nbig IN TXT {ZoneText.Txt(i + new string('b', 240))}")),
        ["2.0.192.in-addr.arpa"] = "1 IN PTR host.resolver.test.",
    };

    [SkippableFact]
    public async Task EachOutcomeHasItsOwnStatus()
    {
        Skip.IfNot(NsdServer.IsInstalled, "nsd is not installed (deps/dns.txt; ./deps/install.sh)");
        using var server = await NsdServer.StartAsync(Zones);
        using var resolver = server.Resolver();

        var txt = await resolver.QueryAsync("txt.resolver.test", DnsQueryType.Txt);
        Assert.Equal(DnsStatus.Ok, txt.Status);
        Assert.Equal("v=spf1 " + new string('x', 300) + " -all", Assert.Single(txt.Records).Text);

        Assert.Equal(DnsStatus.NxDomain, (await resolver.QueryAsync("missing.resolver.test", DnsQueryType.Txt)).Status);
        Assert.Equal(DnsStatus.NoData, (await resolver.QueryAsync("host.resolver.test", DnsQueryType.Txt)).Status);
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Assert.Single((await resolver.QueryAsync("host.resolver.test", DnsQueryType.Aaaa)).Addresses));
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single((await resolver.QueryAsync("alias.resolver.test", DnsQueryType.A)).Addresses));
        var mx = Assert.Single((await resolver.QueryAsync("resolver.test", DnsQueryType.Mx)).Records);
        Assert.Equal(("host.resolver.test", 10), (mx.Text, mx.Preference));
        Assert.Equal("host.resolver.test", Assert.Single((await resolver.QueryAsync("1.2.0.192.in-addr.arpa", DnsQueryType.Ptr)).Records).Text);

        var refused = await resolver.QueryAsync("example.org", DnsQueryType.A);
        Assert.Equal(DnsStatus.ServerFailure, refused.Status);
        Assert.Equal(DnsClientResolver.RefusedError, refused.Error);
    }

    [SkippableFact]
    public async Task AnswerTooBigForUdpComesOverTcp()
    {
        Skip.IfNot(NsdServer.IsInstalled, "nsd is not installed (deps/dns.txt; ./deps/install.sh)");
        using var server = await NsdServer.StartAsync(Zones);
        using var resolver = server.Resolver();
        var big = await resolver.QueryAsync("big.resolver.test", DnsQueryType.Txt);
        Assert.Equal(DnsStatus.Ok, big.Status);
        Assert.Equal(41, big.Records.Count);
        Assert.True(big.Records.Sum(r => r.Text.Length) > 9000, "the answer must exceed any UDP buffer");
    }

    [Fact]
    public async Task SilentServerIsATimeoutNotAnAnswer()
    {
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = (IPEndPoint)silent.Client.LocalEndPoint!;
        using var resolver = new DnsClientResolver(new DnsResolverOptions { Servers = [endpoint], Timeout = TimeSpan.FromMilliseconds(300), Retries = 0 });
        var answer = await resolver.QueryAsync("example.test", DnsQueryType.Txt);
        Assert.Equal(DnsStatus.Timeout, answer.Status);
        Assert.True(answer.IsFailure);
        Assert.Empty(answer.Records);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1:53")]
    [InlineData("127.0.0.1:5353", "127.0.0.1:5353")]
    [InlineData("[::1]:5353", "[::1]:5353")]
    [InlineData("::1", "[::1]:53")]
    public void ResolverOptionTakesHostAndPort(string text, string expected) =>
        Assert.Equal(expected, ResolverEndpoint.Parse(text).ToString());

    [Theory]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("[::1")]
    [InlineData("bad..name")]
    public void BadResolverOptionIsAClearError(string text) =>
        Assert.StartsWith("--resolver ", Assert.Throws<DnsUnavailableException>(() => ResolverEndpoint.Parse(text)).Message);
}
