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

public class AuditRelayProcessTests
{
    private static async Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", ["exec", cli, "audit", "relay", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Exit_codes_are_1_open_0_closed_2_usage_or_unreachable()
    {
        await using var open = new FakeSmtpServer { OfferXclient = true, Rcpt = (_, _, _) => "250 2.1.5 Ok" };
        var o = await Run(open.Target, "--json");
        Assert.True(o.Exit == 1, o.Stderr);
        using (var doc = System.Text.Json.JsonDocument.Parse(o.Stdout))
        {
            Assert.Equal("spamtrace.audit/1", doc.RootElement.GetProperty("schema").GetString());
            Assert.Equal("relay.open", doc.RootElement.GetProperty("findings")[0].GetProperty("id").GetString());
        }

        await using var closed = new FakeSmtpServer { OfferXclient = true };
        var c = await Run(closed.Target, "--timeout", "5");
        Assert.True(c.Exit == 0, c.Stderr);
        Assert.Contains("closed: none of the 16 tricks was accepted as 192.0.2.10 (XCLIENT)", c.Stdout, StringComparison.Ordinal);

        var help = await Run("--help");
        Assert.Equal(0, help.Exit);
        Assert.Contains("--xclient", help.Stdout, StringComparison.Ordinal);

        var unknown = await Run(closed.Target, "--jsno");
        Assert.Equal(2, unknown.Exit);

        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var refused = await Run($"127.0.0.1:{port}");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("cannot connect", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
    }
}
