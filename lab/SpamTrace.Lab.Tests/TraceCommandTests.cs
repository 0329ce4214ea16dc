using System.Text.Json;
using SpamTrace.Lab.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SpamTrace.Lab.Tests;

/// <summary>`spamtrace trace QUERY LOG --json` as a user runs it, on messages of every scenario.</summary>
[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class TraceCommandTests(LabFixture lab, ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("stolen-password")]
    [InlineData("hacked-script")]
    [InlineData("open-relay")]
    [InlineData("backscatter")]
    [InlineData("queue-states")]
    public void Trace_json_shows_origin_hops_and_recipient_outcomes(string scenario)
    {
        var run = lab.Require();
        // string.GetHashCode differs per process: derive the pick from the seed alone, so a seed replays it.
        var rng = new Random(lab.Seed ^ scenario.Aggregate(17, (h, c) => (h * 31) + c));
        var picked = lab.Manifest(scenario).Accepted.OrderBy(_ => rng.Next()).Take(2).ToList();
        Assert.NotEmpty(picked);
        foreach (var message in picked)
        {
            var query = message.QueueId ?? message.MessageId;
            var chains = Trace(run, query);
            var chain = chains.FirstOrDefault(c => c.GetProperty("origin").GetString() != "notification"
                && (message.QueueId is null || c.GetProperty("queue_id").GetString() == message.QueueId));
            Assert.True(chain.ValueKind == JsonValueKind.Object, $"seed {lab.Seed}: trace {query} found no chain for {message}");
            var hops = chain.GetProperty("hops");
            var expectedOrigin = message.Origin.Kind == "local" ? "pickup" : "smtp";
            Assert.Equal(expectedOrigin, chain.GetProperty("origin").GetString());
            var throughFilter = message.Filtered && message.FilterTempfail != true && message.FilterBlocked != true;
            Assert.Equal(throughFilter ? 2 : 1, hops.GetArrayLength());
            var first = hops[0];
            if (message.Origin.Kind == "sasl")
            {
                Assert.Equal(message.Origin.User, first.GetProperty("sasl_username").GetString());
            }
            if (message.Origin.Kind == "local")
            {
                Assert.Equal(message.Origin.Uid, first.GetProperty("uid").GetInt32());
            }
            var last = hops[hops.GetArrayLength() - 1];
            foreach (var r in message.Recipients.Where(r => r.Expected is "sent" or "delivered" or "bounced" or "deferred"))
            {
                var status = last.GetProperty("recipients").EnumerateArray()
                    .Where(x => string.Equals(x.GetProperty("address").GetString(), r.Address, StringComparison.OrdinalIgnoreCase))
                    .Select(x => x.GetProperty("status").GetString()).ToList();
                var expected = r.Expected == "delivered" ? "sent" : r.Expected;
                Assert.True(status.Contains(expected), $"seed {lab.Seed}: trace {query}: {r.Address} is [{string.Join(",", status)}], expected {expected}");
            }
            output.WriteLine($"{scenario}: trace {query}: {chains.Count} chains, {hops.GetArrayLength()} hops");
        }
    }

    private static List<JsonElement> Trace(LabRun run, string query)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var result = LabProcess.Run(dotnet, [LabPaths.CliAssembly(), "trace", query, run.Maillog, "--json"], TimeSpan.FromSeconds(120));
        Assert.True(result.ExitCode == 0, $"trace {query}: {result.Describe()}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }
}
