using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Store;

namespace SpamTrace.Tests.Policy.Greylisting;

public sealed class GreylistReloadTests
{
    [Fact]
    public async Task Reload_replaces_the_spf_resolver_when_its_dns_server_changes_and_applies_the_embedded_cap()
    {
        await using var harness = new GreylistHarness();
        var started = harness.Greylister.Pools;
        var old = harness.Engine.Config.Greylist;
        var sameDns = PolicyTestSupport.Config("""{ "greylist": { "delay": "10m" } }""").Greylist;
        var replacement = new TablePools(("example.org", "203.0.113.9"), ("example.org", "192.0.2.44"));
        string? askedFor = "not asked";

        GreylistSetup.Reload(harness.Greylister, old, sameDns, NullLogger.Instance, dns => { askedFor = dns; return replacement; });
        Assert.Same(started, harness.Greylister.Pools);
        Assert.Equal("not asked", askedFor);

        var otherDns = PolicyTestSupport.Config("""{ "greylist": { "spfPools": { "dns": "127.0.0.1:5353" }, "maxTriplets": 160000 } }""").Greylist;
        GreylistSetup.Reload(harness.Greylister, old, otherDns, NullLogger.Instance, dns => { askedFor = dns; return replacement; });
        Assert.Same(replacement, harness.Greylister.Pools);
        Assert.Equal("127.0.0.1:5353", askedFor);
        Assert.Equal(160000, ((EmbeddedGreylistStore)harness.Store).MaxTriplets);

        // The new resolver is the one decisions use: a retry from another address of the pool passes.
        Assert.StartsWith("DEFER_IF_PERMIT", await harness.RcptAsync(client: "203.0.113.9"));
        harness.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("DUNNO", await harness.RcptAsync(client: "192.0.2.44"));
    }
}
