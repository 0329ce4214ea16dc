using SpamTrace.Lab.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SpamTrace.Lab.Tests;

/// <summary>
/// The log engine against real Postfix: for every message a scenario sent, the chain rebuilt from the maillog
/// has the origin, content-filter link, recipient outcomes and bounce link the manifest predicts.
/// </summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class TraceChainTests(LabFixture lab, ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("stolen-password")]
    [InlineData("hacked-script")]
    [InlineData("open-relay")]
    [InlineData("backscatter")]
    [InlineData("queue-states")]
    public void Every_accepted_message_has_the_chain_the_manifest_predicts(string scenario)
    {
        lab.Require();
        var manifest = lab.Manifest(scenario);
        var accepted = manifest.Accepted.ToList();
        Assert.NotEmpty(accepted);
        var errors = new List<string>();
        foreach (var message in accepted)
        {
            ChainExpectations.Check(message, lab.Chains, errors);
        }
        output.WriteLine($"seed {lab.Seed}: {scenario}: {accepted.Count} messages checked against {lab.Chains.Chains.Count} chains");
        Assert.True(errors.Count == 0, $"seed {lab.Seed}, {scenario}: {errors.Count} mismatches:\n" + string.Join("\n", errors.Take(40)));
    }

    [SkippableFact]
    public void No_legitimate_message_is_lost_between_the_hops()
    {
        lab.Require();
        var legit = lab.Manifests.Values.SelectMany(m => m.Accepted.Where(x => x.Role == "legit")).ToList();
        Assert.NotEmpty(legit);
        var missing = legit.Where(m => lab.Chains.Find(m) is null).ToList();
        Assert.True(missing.Count == 0, $"seed {lab.Seed}: no chain for {string.Join(", ", missing)}");
    }
}
