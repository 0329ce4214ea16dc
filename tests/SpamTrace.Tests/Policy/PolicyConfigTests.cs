using SpamTrace.Policy.Limits;

namespace SpamTrace.Tests.Policy;

public class PolicyConfigTests
{
    [Fact]
    public void The_shipped_example_config_is_valid()
    {
        var path = Path.Combine(PolicyTestSupport.RepoRoot(), "dist", "policy.example.json");
        var config = PolicyConfigLoader.Load(path);
        Assert.Equal(4, config.Limits.Count);
        var user = config.Limits[0];
        Assert.Equal([new LimitWindow(30, TimeSpan.FromMinutes(1)), new LimitWindow(200, TimeSpan.FromHours(1)), new LimitWindow(1000, TimeSpan.FromDays(1))], user.Windows);
        Assert.Empty(user.WindowsFor("monitor@example.com"));
        Assert.Equal(5000, user.WindowsFor("NEWSLETTER@example.com")[0].Max);
        Assert.Equal("DEFER", user.Action.Verb);
        Assert.Equal("REJECT", config.Limits[2].Action.Verb);
        Assert.StartsWith("REJECT 5.7.1 ", config.Limits[2].Action.Text);
        Assert.Equal("HOLD", config.Containment.Action.Verb);
        Assert.Equal(LimitAlgorithm.Bucket, config.Limits[3].Algorithm);
    }

    [Fact]
    public void Errors_name_the_file_and_the_line_of_each_mistake()
    {
        var json = """
            {
              "listen": { "tcp": "127.0.0.1:10040" },
              "limits": [
                { "name": "a", "key": "sasl_username",
                  "windows": ["100/1h", "ten/1d"] },
                { "name": "b", "key": "recipient_user", "windows": ["1/1m"] },
                { "name": "c", "windws": ["1/1m"] }
              ],
              "containment": { "action": "BOUNCE" }
            }
            """;
        var ex = Assert.Throws<PolicyConfigException>(() => PolicyTestSupport.Config(json, "/etc/spamtrace/policy.json"));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:5: limits[0].windows[1]: 'ten/1d'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:6: limits[1].key: unknown key 'recipient_user'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:7: limits[2].windws: unknown setting", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:9: containment.action: 'BOUNCE' is not an access(5) action", StringComparison.Ordinal));
    }

    [Fact]
    public void Invalid_json_reports_its_line()
    {
        var ex = Assert.Throws<PolicyConfigException>(() => PolicyTestSupport.Config("{\n  \"limits\": [\n    { \"name\": \"a\" \n  ]\n}", "p.json"));
        Assert.Matches(@"^p\.json:[34]: invalid JSON", ex.Errors[0]);
    }

    [Theory]
    [InlineData("DEFER", "DEFER 4.7.1 Sending rate limit exceeded, try again later")]
    [InlineData("450 4.7.1 Slow down", "450 4.7.1 Slow down")]
    [InlineData("DEFER_IF_PERMIT over quota", "DEFER_IF_PERMIT over quota")]
    [InlineData("hold", "HOLD")]
    public void Any_access5_action_can_be_configured(string configured, string expected)
    {
        var config = PolicyTestSupport.Config($$"""{ "limits": [ { "name": "a", "windows": ["1/1h"], "action": "{{configured}}" } ] }""");
        Assert.StartsWith(expected, config.Limits[0].Action.Text);
    }

    [Fact]
    public void Without_a_listen_address_the_service_listens_on_loopback_tcp()
    {
        var config = PolicyTestSupport.Config("{}");
        Assert.Equal("127.0.0.1:10040", config.Tcp);
        Assert.Null(config.UnixSocket);
        Assert.Null(config.Metrics);
    }
}
