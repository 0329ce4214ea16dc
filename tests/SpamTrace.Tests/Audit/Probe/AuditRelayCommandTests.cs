using SpamTrace.Cli;
using SpamTrace.Cli.Commands;

namespace SpamTrace.Tests.Audit.Probe;

public class AuditRelayCommandTests
{
    [Theory]
    [InlineData(null, "127.0.0.1", 25)]
    [InlineData("mx.example.com", "mx.example.com", 25)]
    [InlineData("192.0.2.1:2525", "192.0.2.1", 2525)]
    [InlineData("[2001:db8::1]:587", "2001:db8::1", 587)]
    [InlineData("[::1]", "::1", 25)]
    [InlineData("2001:db8::1", "2001:db8::1", 25)]
    public void Targets_parse_as_host_and_port(string? text, string host, int port)
    {
        Assert.Equal((host, port), AuditRelayCommand.ParseTarget(text));
    }

    [Theory]
    [InlineData("mx.example.com:0")]
    [InlineData("mx.example.com:70000")]
    [InlineData("mx.example.com:smtp")]
    [InlineData("[::1")]
    [InlineData("bad host")]
    public void Bad_targets_are_usage_errors(string text)
    {
        Assert.Throws<UserFacingException>(() => AuditRelayCommand.ParseTarget(text));
    }

    [Fact]
    public void Bad_xclient_and_addresses_are_usage_errors()
    {
        Assert.Throws<UserFacingException>(() => AuditRelayCommand.Options(new AuditRelayCommand.Settings { Xclient = "not-an-ip" }));
        Assert.Throws<UserFacingException>(() => AuditRelayCommand.Options(new AuditRelayCommand.Settings { To = "nobody" }));
        Assert.Null(AuditRelayCommand.Options(new AuditRelayCommand.Settings { Xclient = "none" }).XclientAddress);
    }
}
