using System.Net;
using System.Text.Json;
using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Probe;
using SpamTrace.Reports.Audit;
using Spectre.Console;

namespace SpamTrace.Tests.Audit.Probe;

public class RelayProbeTests
{
    private const string Relayed = "250 2.1.5 Ok";
    private const string Denied = "554 5.7.1 <relaytest@nmap.scanme.org>: Relay access denied";

    private static RelayProbeOptions For(FakeSmtpServer server, IPAddress? xclient = null, bool noXclient = false) => new()
    {
        Host = "127.0.0.1",
        Port = server.Port,
        XclientAddress = noXclient ? null : xclient ?? RelayProbeOptions.DefaultXclientAddress,
        Timeout = TimeSpan.FromSeconds(5),
    };

    [Fact]
    public async Task Accept_all_with_XCLIENT_is_an_open_relay_and_nothing_is_sent()
    {
        await using var server = new FakeSmtpServer { OfferXclient = true, Rcpt = (_, _, _) => Relayed };
        var result = await RelayProbe.RunAsync(For(server));
        Assert.Equal(RelayVerdict.Open, result.Verdict);
        Assert.Equal(XclientUse.Used, result.Xclient);
        Assert.Equal(IPAddress.Parse("192.0.2.10"), result.ProbeAddress);
        Assert.Equal(16, result.Trials.Count);
        Assert.Equal(16, result.Accepted.Count());
        Assert.Contains("XCLIENT ADDR=192.0.2.10 NAME=[UNAVAILABLE]", server.Received);
        Assert.DoesNotContain(server.Received, l => l.StartsWith("DATA", StringComparison.OrdinalIgnoreCase) || l.StartsWith("BDAT", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("QUIT", server.Received[^1]);
        Assert.Equal(1, RelayProbeReport.ExitCode(result));
        var report = RelayProbeReport.Build(result);
        var open = Assert.Single(report.Findings);
        Assert.Equal("relay.open", open.Id);
        Assert.Equal(AuditSeverity.Critical, open.Severity);
        Assert.Equal(16, open.Evidence.Count);
    }

    [Fact]
    public async Task Tricks_are_nmaps_sixteen_in_order_with_the_server_name_and_ip_literal()
    {
        await using var server = new FakeSmtpServer { OfferXclient = true };
        var result = await RelayProbe.RunAsync(For(server));
        var rcpts = server.Received.Where(l => l.StartsWith("RCPT", StringComparison.Ordinal)).ToList();
        Assert.Equal(
        [
            "RCPT TO:<relaytest@nmap.scanme.org>", "RCPT TO:<relaytest@nmap.scanme.org>", "RCPT TO:<relaytest@nmap.scanme.org>",
            "RCPT TO:<relaytest@nmap.scanme.org>", "RCPT TO:<relaytest%nmap.scanme.org@[127.0.0.1]>",
            "RCPT TO:<relaytest%nmap.scanme.org@mx.example.test>", "RCPT TO:<\"relaytest@nmap.scanme.org\">",
            "RCPT TO:<\"relaytest%nmap.scanme.org\">", "RCPT TO:<relaytest@nmap.scanme.org@[127.0.0.1]>",
            "RCPT TO:<\"relaytest@nmap.scanme.org\"@[127.0.0.1]>", "RCPT TO:<relaytest@nmap.scanme.org@mx.example.test>",
            "RCPT TO:<@[127.0.0.1]:relaytest@nmap.scanme.org>", "RCPT TO:<@mx.example.test:relaytest@nmap.scanme.org>",
            "RCPT TO:<nmap.scanme.org!relaytest>", "RCPT TO:<nmap.scanme.org!relaytest@[127.0.0.1]>",
            "RCPT TO:<nmap.scanme.org!relaytest@mx.example.test>",
        ], rcpts);
        var mails = server.Received.Where(l => l.StartsWith("MAIL", StringComparison.Ordinal)).ToList();
        Assert.Equal(["MAIL FROM:<>", "MAIL FROM:<antispam@nmap.scanme.org>", "MAIL FROM:<antispam@mx.example.test>"], mails.Take(3));
        Assert.All(mails.Skip(3), m => Assert.Equal("MAIL FROM:<antispam@[127.0.0.1]>", m));
        Assert.Equal(17, server.Received.Count(l => l == "RSET"));
        Assert.Equal(RelayVerdict.Closed, result.Verdict);
    }

    [Fact]
    public async Task Reject_all_is_closed_with_no_finding_and_exit_0()
    {
        await using var server = new FakeSmtpServer { OfferXclient = true };
        var result = await RelayProbe.RunAsync(For(server));
        Assert.Equal(RelayVerdict.Closed, result.Verdict);
        Assert.Empty(result.Accepted);
        Assert.Equal(16, result.Trials.Count);
        Assert.All(result.Trials, t => Assert.Equal(554, t.Rcpt!.Code));
        Assert.Equal(0, RelayProbeReport.ExitCode(result));
        Assert.Empty(RelayProbeReport.Build(result).Findings);
    }

    [Fact]
    public async Task Percent_hack_accepting_server_is_open_on_exactly_the_percent_tricks()
    {
        await using var server = new FakeSmtpServer
        {
            OfferXclient = true,
            Rcpt = (_, to, _) => !to.StartsWith('"') && to.Contains('%', StringComparison.Ordinal) ? Relayed : Denied,
        };
        var result = await RelayProbe.RunAsync(For(server));
        Assert.Equal(RelayVerdict.Open, result.Verdict);
        Assert.Equal([5, 6], result.Accepted.Select(t => t.Trick.Number));
        var open = Assert.Single(RelayProbeReport.Build(result).Findings);
        Assert.Contains(open.Evidence, e => e.Location.Contains("percent hack at IP literal", StringComparison.Ordinal));
        Assert.StartsWith("open relay: 2 of 16", open.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_XCLIENT_a_server_trusting_this_host_gives_not_conclusive_with_the_temporary_fix()
    {
        // A correct server that trusts loopback (permit_mynetworks) but nobody else.
        static string TrustsLoopbackOnly(string from, string to, string client) => client == "127.0.0.1" ? Relayed : Denied;
        await using var noXclient = new FakeSmtpServer { Rcpt = TrustsLoopbackOnly };
        var result = await RelayProbe.RunAsync(For(noXclient));
        Assert.Equal(RelayVerdict.NotConclusive, result.Verdict);
        Assert.Equal(XclientUse.NotOffered, result.Xclient);
        Assert.True(result.FromThisHost);
        Assert.Equal(0, RelayProbeReport.ExitCode(result));
        var trusted = Assert.Single(RelayProbeReport.Build(result).Findings);
        Assert.Equal("relay.probe-trusted", trusted.Id);
        Assert.Contains(trusted.Fix, f => f.StartsWith("postconf -e 'smtpd_authorized_xclient_hosts = 127.0.0.1'", StringComparison.Ordinal));
        Assert.Contains(trusted.Fix, f => f.StartsWith("postconf -X smtpd_authorized_xclient_hosts", StringComparison.Ordinal));

        await using var withXclient = new FakeSmtpServer { OfferXclient = true, Rcpt = TrustsLoopbackOnly };
        var probed = await RelayProbe.RunAsync(For(withXclient));
        Assert.Equal(RelayVerdict.Closed, probed.Verdict);
        Assert.Equal(XclientUse.Used, probed.Xclient);
        Assert.False(probed.FromThisHost);
    }

    [Fact]
    public async Task Xclient_none_does_not_claim_an_address_even_when_offered()
    {
        await using var server = new FakeSmtpServer { OfferXclient = true, Rcpt = (_, _, _) => Relayed };
        var result = await RelayProbe.RunAsync(For(server, noXclient: true));
        Assert.Equal(XclientUse.Disabled, result.Xclient);
        Assert.DoesNotContain(server.Received, l => l.StartsWith("XCLIENT", StringComparison.Ordinal));
        Assert.Equal(RelayVerdict.NotConclusive, result.Verdict);
    }

    [Fact]
    public async Task Xclient_claims_an_IPv6_address_in_postfix_syntax()
    {
        await using var server = new FakeSmtpServer { OfferXclient = true };
        await RelayProbe.RunAsync(For(server, IPAddress.Parse("2001:db8::10")));
        Assert.Contains("XCLIENT ADDR=IPV6:2001:db8::10 NAME=[UNAVAILABLE]", server.Received);
    }

    [Fact]
    public async Task Authentication_required_stops_the_probe_and_is_closed()
    {
        await using var server = new FakeSmtpServer { OfferXclient = true, MailReply = "530 5.7.0 Authentication required" };
        var result = await RelayProbe.RunAsync(For(server));
        Assert.Equal(RelayVerdict.Closed, result.Verdict);
        Assert.Single(result.Trials);
        Assert.Null(result.Trials[0].Rcpt);
        Assert.StartsWith("authentication required", result.StoppedBecause, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Received, l => l.StartsWith("RCPT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hostile_reply_text_is_escaped_in_terminal_and_json_and_never_reaches_a_command()
    {
        const string Hostile = "\u001b]0;owned\u0007<script>x</script>[red]y[/]";
        await using var server = new FakeSmtpServer
        {
            Greeting = "220 evil.example\u001b[31m" + Hostile,
            OfferXclient = true,
            Rcpt = (_, _, _) => "250 " + Hostile,
        };
        var result = await RelayProbe.RunAsync(For(server));
        Assert.Equal(RelayVerdict.Open, result.Verdict);
        Assert.Equal("evil.example", result.ServerName);
        Assert.All(server.Received, l => Assert.DoesNotContain('\u001b', l));
        var report = RelayProbeReport.Build(result);

        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 4000;
        new AuditTerminalRenderer(console).Render(report);
        var text = writer.ToString();
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.Contains(@"\x1b]0;owned\x07<script>x</script>[red]y[/]", text);

        using var json = new MemoryStream();
        AuditJsonWriter.Write(json, report, AuditSeverity.Critical);
        using var doc = JsonDocument.Parse(json.ToArray());
        var verdict = doc.RootElement.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("id").GetString() == RelayProbeReport.VerdictSection);
        Assert.Equal("open", verdict.GetProperty("rows")[0].GetProperty("verdict").GetString());
        var tricks = doc.RootElement.GetProperty("sections").EnumerateArray().Single(s => s.GetProperty("id").GetString() == RelayProbeReport.TricksSection);
        Assert.Equal("250 " + Hostile, tricks.GetProperty("rows")[0].GetProperty("rcpt_reply").GetString());
    }

    [Fact]
    public async Task An_overlong_reply_line_is_an_error_not_unbounded_memory()
    {
        await using var server = new FakeSmtpServer { EhloReply = "250 " + new string('a', SmtpProbeConnection.MaxLineBytes + 10) };
        var ex = await Assert.ThrowsAsync<SmtpProbeException>(() => RelayProbe.RunAsync(For(server)));
        Assert.Contains("longer than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reply_that_is_not_smtp_is_an_error()
    {
        await using var server = new FakeSmtpServer { Greeting = "SSH-2.0-OpenSSH_9.2" };
        var ex = await Assert.ThrowsAsync<SmtpProbeException>(() => RelayProbe.RunAsync(For(server)));
        Assert.Contains("not an SMTP reply", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_greeting_is_closed_for_this_client()
    {
        await using var server = new FakeSmtpServer { Greeting = "554 5.7.1 go away" };
        var result = await RelayProbe.RunAsync(For(server));
        Assert.Equal(RelayVerdict.Closed, result.Verdict);
        Assert.Empty(result.Trials);
    }

    [Fact]
    public async Task Connection_refused_is_a_clear_error()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var ex = await Assert.ThrowsAsync<SmtpProbeException>(() => RelayProbe.RunAsync(new RelayProbeOptions { Port = port, Timeout = TimeSpan.FromSeconds(2) }));
        Assert.Contains($"127.0.0.1:{port}: cannot connect", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("user@")]
    [InlineData("a b@example.net")]
    [InlineData("a>b@example.net")]
    public void Probe_addresses_that_cannot_go_into_MAIL_or_RCPT_are_refused(string address)
    {
        Assert.Throws<ArgumentException>(() => RelayProbe.SplitAddress(address, "--to"));
    }
}
