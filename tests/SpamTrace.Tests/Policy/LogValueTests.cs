using System.Text;
using SpamTrace.Common;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Protocol;
using SpamTrace.Policy.Store;
using SpamTrace.Reports;
using SpamTrace.Tests.Policy.Greylisting;

namespace SpamTrace.Tests.Policy;

/// <summary>Request values in log lines cannot forge lines; invalid UTF-8 in keys keeps its bytes.</summary>
public sealed class LogValueTests
{
    [Theory]
    [InlineData("a\u2028b", "a\\u2028b")]
    [InlineData("a\u2029b", "a\\u2029b")]
    [InlineData("a\u0085b", "a\\x85b")]
    [InlineData("a\rb\nc", "a\\x0db\\x0ac")]
    [InlineData("a\u001b[31mb", "a\\x1b[31mb")]
    [InlineData("jürgen@example.org", "jürgen@example.org")]
    public void Terminal_text_escapes_line_breaks_of_every_kind_and_control_characters(string text, string expected) =>
        Assert.Equal(expected, TerminalText.Escape(text));

    private static PolicyRequest Parse(byte[] bytes)
    {
        var parser = new PolicyRequestParser(8192);
        var request = new PolicyRequest();
        var buffer = new System.Buffers.ReadOnlySequence<byte>(bytes);
        Assert.Equal(ParseStatus.Complete, parser.TryParse(ref buffer, request));
        return request;
    }

    private static byte[] WithUser(params byte[] user) =>
        [.. "request=smtpd_access_policy\nprotocol_state=RCPT\nsasl_username="u8, .. user, .. "\n\n"u8];

    [Fact]
    public void Invalid_utf8_user_names_stay_apart_and_valid_ones_are_unchanged()
    {
        var ff = Parse(WithUser(0x61, 0xff, 0x62)).SaslUsername;
        var fe = Parse(WithUser(0x61, 0xfe, 0x62)).SaslUsername;
        var truncated = Parse(WithUser(0x61, 0xc3, 0x62)).SaslUsername;
        Assert.Equal("a\\xffb", ff);
        Assert.Equal("a\\xfeb", fe);
        Assert.Equal("a\\xc3b", truncated);
        Assert.Equal("jürgen", Parse(WithUser(Encoding.UTF8.GetBytes("jürgen"))).SaslUsername);
        Assert.Equal("DOMAIN\\alice", Parse(WithUser(Encoding.UTF8.GetBytes("DOMAIN\\alice"))).SaslUsername);
        // A backslash beside an invalid byte is escaped too, so the escaped form cannot be typed by a valid name.
        Assert.Equal("\\x5cxff\\xff", Parse(WithUser([.. "\\xff"u8, 0xff])).SaslUsername);
        Assert.NotEqual(Utf8Text.Decode([0x5c, 0x78, 0x66, 0x66, 0xff]), Utf8Text.Decode([0xff, 0xff]));
    }

    [Fact]
    public async Task Greylist_log_lines_escape_what_the_client_sent()
    {
        var logger = new RecordingLogger();
        var config = PolicyTestSupport.Config("""{ "containment": { "enabled": false }, "greylist": {} }""");
        await using var store = new EmbeddedStore(null);
        await using var greylist = new EmbeddedGreylistStore(null);
        var engine = PolicyTestSupport.Engine(config, store);
        GreylistSetup.Attach(engine, greylist, config, logger, new TablePools());
        var text = PolicyTestSupport.Request("RCPT", null, "203.0.113.7", sender: "x\u2028greylist passed client=1.2.3.4@example.org", recipient: "bob\u0085@example.net")
            .Replace("client_name=mail.example.org", "client_name=evil\rname");
        var request = Parse(Encoding.UTF8.GetBytes(text));

        Assert.StartsWith("DEFER_IF_PERMIT", (await engine.DecideAsync(request, new DecisionContext(), CancellationToken.None)).Text);

        var line = Assert.Single(logger.Lines, l => l.Text.StartsWith("greylist greylisted", StringComparison.Ordinal)).Text;
        Assert.DoesNotContain(line, c => char.IsControl(c) || c is '\u2028' or '\u2029');
        Assert.Contains("sender=x\\u2028greylist passed", line);
        Assert.Contains("(evil\\x0dname)", line);
        Assert.Contains("recipient=bob\\x85@example.net", line);
    }
}
