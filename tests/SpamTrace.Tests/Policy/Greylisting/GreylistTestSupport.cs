using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Pools;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Store;

namespace SpamTrace.Tests.Policy.Greylisting;

/// <summary>A pool resolver that answers from a table: (domain, client) pairs that SPF would pass.</summary>
internal sealed class TablePools(params (string Domain, string Client)[] passes) : IGreylistPoolResolver
{
    public ValueTask<string?> PoolAsync(string senderDomain, System.Net.IPAddress client, TimeSpan timeout, CancellationToken cancellationToken) =>
        ValueTask.FromResult(passes.Any(p => p.Domain == senderDomain && System.Net.IPAddress.Parse(p.Client).Equals(client)) ? senderDomain : null);
}

/// <summary>An engine with greylisting on a fake clock, and the requests a test sends.</summary>
internal sealed class GreylistHarness : IAsyncDisposable
{
    public ManualTime Time { get; } = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    public PolicyEngine Engine { get; }
    public Greylister Greylister { get; }
    public IGreylistStore Store { get; }
    private readonly EmbeddedStore _policyStore = new(null);
    private readonly bool _ownsStore;

    public GreylistHarness(string greylistJson = "{}", IGreylistStore? store = null, IGreylistPoolResolver? pools = null, string extra = "", bool ownsStore = true)
    {
        _ownsStore = ownsStore;
        var config = PolicyTestSupport.Config($$"""{ "containment": { "enabled": false }, "greylist": {{greylistJson}} {{extra}} }""");
        Engine = PolicyTestSupport.Engine(config, _policyStore, Time);
        Store = store ?? new EmbeddedGreylistStore(null, time: Time);
        Greylister = GreylistSetup.Attach(Engine, Store, config, NullLogger.Instance, pools ?? new TablePools(), Time);
    }

    /// <summary>The action for one RCPT: "DUNNO" or the deferral text.</summary>
    public async Task<string> RcptAsync(string client = "198.51.100.7", string sender = "alice@example.org", string recipient = "bob@example.net",
        string? user = null, string clientName = "mail.example.org")
    {
        var text = PolicyTestSupport.Request("RCPT", user, client, sender: sender, recipient: recipient).Replace("client_name=mail.example.org", $"client_name={clientName}");
        var request = new SpamTrace.Policy.Protocol.PolicyRequest();
        var parser = new SpamTrace.Policy.Protocol.PolicyRequestParser(8192, 65536);
        var buffer = new System.Buffers.ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.Equal(SpamTrace.Policy.Protocol.ParseStatus.Complete, parser.TryParse(ref buffer, request));
        var action = await Engine.DecideAsync(request, new DecisionContext(), CancellationToken.None);
        return action.Text;
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsStore)
        {
            await Store.DisposeAsync();
        }
        await _policyStore.DisposeAsync();
    }
}
