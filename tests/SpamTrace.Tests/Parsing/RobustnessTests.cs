using System.Text;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Parsing;

/// <summary>Log text is attacker-controlled: whatever the bytes, the parser returns sane events and never throws.</summary>
public class RobustnessTests
{
    private static readonly string[] RealLines =
    [
        "Mar 23 05:01:52 mx1 postfix/smtpd[1234]: NOQUEUE: reject: RCPT from 1-2-3-4-example.com[1.2.3.4]: 554 5.7.1 <smtp@example.com>: Relay access denied; from=<john@example.com> to=<smtp@example.org> proto=SMTP helo=<198.51.100.17>",
        "2024-11-29T00:39:18.123456+01:00 mx1 postfix/submission/smtpd[27133]: 4Qd1x35vB7z1Yqg: client=unknown[198.51.100.7]:51234, sasl_method=LOGIN, sasl_username=info@example.com",
        "Mar 23 05:01:52 mx1 postfix/smtp[77]: 7EE668039: to=<admin@example.com>, orig_to=<p@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=3.6, delays=0.2/0.02/0.04/3.3, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 4Qd1x35vB7z1Yqg)",
        "Mar 23 05:01:52 mx1 postfix/cleanup[77]: 3B1F6C0A2D: info: header X-PHP-Originating-Script: 33:wp-cache.php from local; from=<www-data@host.example.com> to=<victim@example.net>",
        "Mar 23 05:01:52 mx1 postfix/qmgr[77]: 0F5383D: from=<owner@postfix.org>, size=5360, nrcpt=1 (queue active)",
        "Mar 23 05:01:52 mx1 postfix/smtpd[1]: warning: unknown[192.0.2.5]: SASL LOGIN authentication failed: authentication failure, sasl_username=info@example.com",
        "Mar 23 05:01:52 mx1 postfix/anvil[1]: statistics: max connection count 1 for (127.0.0.1:2525:127.0.0.1) at Oct 26 19:46:00",
        "Mar 23 05:01:52 mx1 postfix/postscreen[1]: NOQUEUE: reject: RCPT from [182.98.255.184]:2413: 550 5.5.1 Protocol error; from=<l@yahoo.com>, to=<tom@example.com>, proto=SMTP, helo=<mx32.example.net>",
        "Nov 29 00:39:18 mx amavis[2345]: (02345-07) Passed CLEAN {RelayedOutbound}, ORIGINATING LOCAL [192.0.2.77]:50432 [192.0.2.77] <info@example.com> -> <a@example.net>,<b@example.org>, Queue-ID: 4Qd1x35vB7z1Yqg, Message-ID: <x@example.com>, mail_id: Xk3, Hits: -1.2, size: 4321, queued_as: 4Qd1x37pQ9z1Yqh, 812 ms",
        "Nov 29 00:39:18 mx dovecot: auth-worker(1234): sql(info@example.com,192.0.2.8,<Xy12>): Password mismatch",
        "Mar 23 05:01:52 mx1 postfix/smtp[77]: ED59C3D: host mail2.example.com[1.74.253.23] said: 450 4.7.1 <u@example.com>: Greylisted (in reply to RCPT TO command)",
        "Mar 23 05:01:52 mx1 postfix/cleanup[77]: 4104E3D: milter-reject: END-OF-MESSAGE from x.example.com[61.238.241.86]: 5.7.1 Blocked; from=<w@c.com> to=<v@example.com> proto=ESMTP helo=<e.com>",
    ];

    [Fact]
    public void Every_truncation_of_real_lines_parses_without_exception_and_ranges_stay_inside()
    {
        foreach (var line in RealLines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            for (int n = 0; n <= bytes.Length; n++)
            {
                var p = ParsedLine.Of(bytes[..n]);
                Assert.True(p.RangesInside(), $"range outside at length {n}: {line}");
                if (!p.EnvelopeOk)
                {
                    Assert.Equal(EventKind.Unknown, p.Kind);
                }
            }
            Assert.NotEqual(EventKind.Unknown, ParsedLine.Of(bytes).Kind);
        }
    }

    [Fact]
    public void Random_bytes_and_random_mutations_of_real_lines_never_throw()
    {
        var random = new Random(20241129);
        for (int i = 0; i < 20000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            Assert.True(ParsedLine.Of(bytes).RangesInside());
        }
        // Mutations keep most of the structure, so they reach deep into the payload parsers.
        byte[] alphabet = "[]<>():;, =/.-_0123456789ABCDEFz \r\t\0\xff"u8.ToArray();
        for (int i = 0; i < 20000; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(RealLines[i % RealLines.Length]);
            int edits = random.Next(1, 6);
            for (int e = 0; e < edits; e++)
            {
                bytes[random.Next(bytes.Length)] = alphabet[random.Next(alphabet.Length)];
            }
            Assert.True(ParsedLine.Of(bytes).RangesInside());
        }
    }

    [Fact]
    public void One_megabyte_lines_parse()
    {
        var filler = new string('A', 1 << 20);
        var reject = ParsedLine.Of($"Mar 23 05:01:52 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[192.0.2.1]: 554 5.7.1 {filler}; from=<a@b> to=<c@d> proto=SMTP helo=<h>");
        // The parser reads the first TextRange.MaxLineLength bytes of a longer line, as the reader cuts it there.
        Assert.Equal(EventKind.SmtpdReject, reject.Kind);
        Assert.StartsWith("AAAA", reject.Text);
        Assert.InRange(reject.Text!.Length, 60_000, TextRange.MaxLineLength);

        var header = ParsedLine.Of($"Mar 23 05:01:52 mx1 postfix/cleanup[1]: 3B1F6C0A2D: warning: header Subject: {filler} from local; from=<a@b>");
        Assert.Equal(EventKind.CleanupAction, header.Kind);

        var noStructure = ParsedLine.Of("Mar 23 05:01:52 mx1 postfix/smtpd[1]: " + new string('[', 1 << 20));
        Assert.Equal(EventKind.Unknown, noStructure.Kind);
        var longTag = ParsedLine.Of("Mar 23 05:01:52 mx1 " + filler);
        Assert.False(longTag.EnvelopeOk);
    }

    [Fact]
    public void Invalid_utf8_is_kept_as_bytes()
    {
        var prefix = Encoding.ASCII.GetBytes("Mar 23 05:01:52 mx1 postfix/qmgr[1]: 0F5383D: from=<");
        var bad = new byte[] { 0xC3, 0x28, 0xFF, 0xFE, (byte)'@', 0x80 };
        var suffix = Encoding.ASCII.GetBytes(">, size=10, nrcpt=1 (queue active)");
        var p = ParsedLine.Of([.. prefix, .. bad, .. suffix]);
        Assert.Equal(EventKind.QmgrFrom, p.Kind);
        Assert.Equal(bad.Length, p.Event.From.Length);
        Assert.Equal(10, p.Event.Size);
    }

    [Fact]
    public void Embedded_and_trailing_carriage_returns()
    {
        var crlf = ParsedLine.Of("Mar 23 05:01:52 mx1 postfix/qmgr[1]: 0F5383D: removed\r");
        Assert.Equal(EventKind.QmgrRemoved, crlf.Kind);
        var msgId = ParsedLine.Of("Mar 23 05:01:52 mx1 postfix/cleanup[1]: 0F5383D: message-id=<a@b>\r");
        Assert.Equal("a@b", msgId.MessageId);
        var embedded = ParsedLine.Of("Mar 23 05:01:52 mx1 postfix/smtpd[1]: connect from a\rb[192.0.2.1]");
        Assert.Equal(EventKind.SmtpdConnect, embedded.Kind);
        Assert.Equal("a\rb", embedded.ClientName);
        var delivery = ParsedLine.Of("Mar 23 05:01:52 mx1 postfix/smtp[1]: 0F5383D: to=<a@b>, relay=x[192.0.2.1]:25, delay=1, dsn=2.0.0, status=sent (250 ok\r)\r");
        Assert.Equal(EventKind.Delivery, delivery.Kind);
        Assert.Equal("250 ok\r", delivery.Reply);
    }
}
