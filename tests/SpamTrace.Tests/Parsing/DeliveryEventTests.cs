using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Parsing;

public class DeliveryEventTests
{
    private static ParsedLine P(string daemon, string payload) => ParsedLine.Of($"Mar 23 05:01:52 mx1 postfix/{daemon}[77]: {payload}");

    [Fact]
    public void Smtp_delivery_to_the_content_filter_names_the_reinjected_queue_id()
    {
        var p = P("smtp", "7EE668039: to=<admin@example.com>, orig_to=<postmaster@example.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=3.6, delays=0.2/0.02/0.04/3.3, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 4Qd1x35vB7z1Yqg)");
        Assert.Equal(EventKind.Delivery, p.Kind);
        Assert.Equal("7EE668039", p.QueueId);
        Assert.Equal("admin@example.com", p.To);
        Assert.Equal("postmaster@example.com", p.OrigTo);
        Assert.Equal("127.0.0.1[127.0.0.1]:10024", p.Relay);
        Assert.Equal("3.6", p.Delay);
        Assert.Equal("0.2/0.02/0.04/3.3", p.Delays);
        Assert.Equal("2.0.0", p.Dsn);
        Assert.Equal(DeliveryStatus.Sent, p.Event.Status);
        Assert.Equal("250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 4Qd1x35vB7z1Yqg", p.Reply);
        Assert.Equal("4Qd1x35vB7z1Yqg", p.OtherQueueId);
    }

    [Fact]
    public void Deferred_reply_with_nested_parentheses()
    {
        var p = P("smtp", "A0E85200BD: to=<u@lists.example.org>, relay=open.example.nl[10.49.140.10]:25, conn_use=2, delay=2.3, delays=0.25/0.05/2/0.04, dsn=4.2.0, status=deferred (host open.example.nl[10.49.140.10] said: 450 4.2.0 <u@lists.example.org>: Recipient address rejected: Greylisted (see http://x/) (in reply to RCPT TO command))");
        Assert.Equal(DeliveryStatus.Deferred, p.Event.Status);
        Assert.Equal("host open.example.nl[10.49.140.10] said: 450 4.2.0 <u@lists.example.org>: Recipient address rejected: Greylisted (see http://x/) (in reply to RCPT TO command)", p.Reply);
        Assert.Null(p.OtherQueueId);
    }

    [Theory]
    [InlineData("local", "2A22C263F6: to=user@hostname.example.com, orig_to=root@localhost, relay=local, delay=0.07, delays=0.04/0/0/0.03, dsn=2.0.0, status=sent (delivered to command: procmail -a \"$EXTENSION\")", "user@hostname.example.com", DeliveryStatus.Sent, null)]
    [InlineData("local", "0A84FD94C4: to=<perelsc@ee.ethz.ch>, relay=local, delay=0, status=sent (forwarded as 3EFADD941F)", "perelsc@ee.ethz.ch", DeliveryStatus.Sent, "3EFADD941F")]
    [InlineData("virtual", "B657F2DB195D: to=<postmaster@example.com>, relay=virtual, delay=0.52, delays=0.51/0.01/0/0, dsn=2.0.0, status=sent (delivered to maildir)", "postmaster@example.com", DeliveryStatus.Sent, null)]
    [InlineData("pipe", "95ECE24E0: to=<tom@example.com>, relay=dovecot, delay=0.12, delays=0.03/0/0/0.08, dsn=5.4.6, status=bounced (mail forwarding loop for tom@example.com)", "tom@example.com", DeliveryStatus.Bounced, null)]
    [InlineData("error", "3E29030F8637E: to=<user@yahoo.com>, relay=none, delay=0.01, delays=0.01/0/0/0, dsn=5.1.1, status=undeliverable-but-not-cached (User unknown in virtual alias table)", "user@yahoo.com", DeliveryStatus.Undeliverable, null)]
    [InlineData("retry", "2DC5552A34: to=<user@yahoo.com>, relay=none, delay=63495, delays=63350/144/0/0, dsn=4.4.2, status=deferred (delivery temporarily suspended: lost connection with mta7.am0.yahoodns.net[98.136.216.22] while sending RCPT TO)", "user@yahoo.com", DeliveryStatus.Deferred, null)]
    [InlineData("discard", "25F2E5E061: to=<g@test.example.com>, relay=none, delay=0.05, delays=0.05/0/0/0, dsn=2.0.0, status=sent (test.example.com)", "g@test.example.com", DeliveryStatus.Sent, null)]
    [InlineData("lmtp", "AD6E41CDC05C: to=<admin@example.com>, relay=sub1.example.com[private/dovecot-lmtp], delay=0.15, delays=0.04/0/0.02/0.08, dsn=2.0.0, status=sent (250 2.0.0 <admin@example.com> qYyyBMsl9FRuZQAAA15QOA Saved)", "admin@example.com", DeliveryStatus.Sent, null)]
    [InlineData("local", "D8962E54: to=<anyone@example.com>, relay=local, delay=0.21, dsn=4.1.1, status=SOFTBOUNCE (unknown user: \"to\")", "anyone@example.com", DeliveryStatus.SoftBounce, null)]
    [InlineData("qmgr", "C0FFEE1234: to=<x@example.com>, relay=none, delay=3, status=expired (message expired)", "x@example.com", DeliveryStatus.Expired, null)]
    public void Delivery_agents(string daemon, string payload, string to, DeliveryStatus status, string? other)
    {
        var p = P(daemon, payload);
        Assert.Equal(EventKind.Delivery, p.Kind);
        Assert.Equal(to, p.To);
        Assert.Equal(status, p.Event.Status);
        Assert.Equal(other, p.OtherQueueId);
        Assert.NotNull(p.Reply);
    }

    [Fact]
    public void Remote_server_said()
    {
        var p = P("smtp", "ED59C3D: host mail2.example.com[1.74.253.23] said: 450 4.7.1 <user@example.com>: Recipient address rejected: Greylisted for 5 minutes (in reply to RCPT TO command)");
        Assert.Equal(EventKind.SmtpProblem, p.Kind);
        Assert.Equal("mail2.example.com[1.74.253.23]", p.Relay);
        Assert.Equal("450 4.7.1 <user@example.com>: Recipient address rejected: Greylisted for 5 minutes", p.Reply);
        Assert.Equal("RCPT TO", p.Detail);
        Assert.Equal("450 4.7.1", p.Code);
    }

    [Fact]
    public void Remote_server_refused_to_talk()
    {
        var p = ParsedLine.Of("Mar 23 05:01:52 mx1 postfix-out/smtp[77]: 40197AA: host mx.example.com[192.0.2.3] refused to talk to me: 421 4.7.1 [TS03] All messages from 203.0.113.9 will be permanently deferred");
        Assert.Equal(EventKind.SmtpProblem, p.Kind);
        Assert.Equal("postfix-out/smtp", p.Program);
        Assert.Equal("smtp", p.Daemon);
        Assert.Equal("421 4.7.1 [TS03] All messages from 203.0.113.9 will be permanently deferred", p.Reply);
    }

    [Theory]
    [InlineData("connect to intern.nl[194.109.6.98]:25: Connection refused", null, "intern.nl[194.109.6.98]:25", "Connection refused")]
    [InlineData("B99FE3D: lost connection with mx3.hotmail.com[65.55.37.72] while receiving the initial server greeting", "B99FE3D", "mx3.hotmail.com[65.55.37.72]", null)]
    [InlineData("78D6B41: conversation with mx00.gmx.com[74.208.5.4] timed out while receiving the initial server greeting", "78D6B41", "mx00.gmx.com[74.208.5.4]", null)]
    [InlineData("D0F29603B4: SASL authentication failed; server xyz.example.com[1.2.3.4] said: 535 5.7.8 Error: authentication failed", "D0F29603B4", "xyz.example.com[1.2.3.4]", "535 5.7.8 Error: authentication failed")]
    public void Connection_problems(string payload, string? qid, string relay, string? reply)
    {
        var p = P("smtp", payload);
        Assert.Equal(EventKind.SmtpProblem, p.Kind);
        Assert.Equal(qid, p.QueueId);
        Assert.Equal(relay, p.Relay);
        if (reply is not null)
        {
            Assert.Equal(reply, p.Reply);
        }
        else
        {
            Assert.Equal("receiving the initial server greeting", p.Detail);
        }
    }

    [Theory]
    [InlineData("Untrusted TLS connection established to mx4.hotmail.com[65.55.92.136]:25: TLSv1.2 with cipher ECDHE-RSA-AES256-SHA384 (256/256 bits)")]
    [InlineData("certificate verification failed for mail.example.com[113.169.17.115]:25: self-signed certificate.")]
    [InlineData("B0ADE20FC7: enabling PIX workarounds: disable_esmtp delay_dotcrlf for example.com[93.184.216.34]:25")]
    public void Tls_and_workaround_notes_are_ignored(string payload) => Assert.Equal(EventKind.Ignored, P("smtp", payload).Kind);

    [Fact]
    public void Unrecognised_smtp_text_is_unknown() => Assert.Equal(EventKind.Unknown, P("smtp", "Unsupported").Kind);
}
