using SpamTrace.Cli.Commands;
using SpamTrace.Forensics;

namespace SpamTrace.Tests.Containment;

public class ContainFromDiagnoseTests
{
    [Fact]
    public void The_relay_origin_for_clients_beyond_the_cap_is_advice_not_a_selection()
    {
        var verdict = Path.Combine(Path.GetTempPath(), $"spamtrace-verdict-{Guid.NewGuid():N}.json");
        File.WriteAllText(verdict, $$"""
            {"culprits": [
              {"kind": "relay", "key": "203.0.113.7"},
              {"kind": "relay", "key": "{{OriginId.OtherClients}}"}
            ]}
            """);
        try
        {
            var request = ContainCommand.BuildRequest(new ContainCommand.Settings { FromDiagnose = verdict, NoPolicy = true }, new FakePostfix());
            var target = Assert.Single(request.Targets);
            Assert.Equal(["203.0.113.7"], target.Selector.Clients);
            Assert.True(target.CloseRelay);
            Assert.Contains(request.Advice, a => a.Contains(OriginId.OtherClients, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(verdict);
        }
    }
}
