using System.Text.Json;
using SpamTrace.Reports.Trace;
using Spectre.Console;

namespace SpamTrace.Tests.Correlation;

public class TraceRenderTests
{
    // Strings chosen by the client: addresses, login names, and the remote server's reply.
    private const string HostileLog = """
        Mar 23 05:01:51 mx postfix/smtpd[100]: 4F2A1C2B3D: client=unknown[203.0.113.7]:51234, sasl_method=LOGIN, sasl_username=[bold]x[/]
        Mar 23 05:01:51 mx postfix/qmgr[102]: 4F2A1C2B3D: from=<a[/]b@example.org>, size=1500, nrcpt=1 (queue active)
        Mar 23 05:01:53 mx postfix/smtp[104]: 4F2A1C2B3D: to=<"<script>alert(1)</script>"@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.1.26]:25, delay=2, delays=0.1/0/0.5/1.4, dsn=5.1.1, status=bounced (host x said: 550 [link=http://evil]click[/] \u001b[31m (in reply to RCPT TO command))
        Mar 23 05:01:53 mx postfix/qmgr[102]: 4F2A1C2B3D: removed
        """;

    [Fact]
    public void Hostile_log_text_is_printed_as_text_not_markup_or_terminal_codes()
    {
        var h = CorrelationHarness.Run(HostileLog.Replace("\\u001b", "\u001b", StringComparison.Ordinal));
        var chain = Assert.Single(h.Chains);
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 4000;
        new TraceRenderer(console).Render(chain);
        var text = writer.ToString();
        Assert.Contains("unknown[203.0.113.7]:51234", text);
        Assert.Contains("<a[/]b@example.org>", text);
        Assert.Contains("sasl_username=[bold]x[/]", text);
        Assert.Contains("<script>alert(1)</script>", text);
        Assert.Contains("[link=http://evil]click[/]", text);
        Assert.DoesNotContain('\u001b', text);
    }

    [Fact]
    public void Json_output_escapes_markup_and_round_trips()
    {
        var h = CorrelationHarness.Run(HostileLog);
        var chain = Assert.Single(h.Chains);
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            ChainJsonWriter.Write(w, chain);
        }
        var json = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        Assert.DoesNotContain("<script>", json);
        using var doc = JsonDocument.Parse(json);
        var rcpt = doc.RootElement.GetProperty("hops")[0].GetProperty("recipients")[0];
        Assert.Equal("\"<script>alert(1)</script>\"@gmail.com", rcpt.GetProperty("address").GetString());
        Assert.Equal("bounced", rcpt.GetProperty("status").GetString());
        Assert.Equal("smtp", doc.RootElement.GetProperty("origin").GetString());
        Assert.True(doc.RootElement.GetProperty("outbound").GetBoolean());
    }
}
