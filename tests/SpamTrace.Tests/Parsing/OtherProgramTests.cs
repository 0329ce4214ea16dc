using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Parsing;

/// <summary>postscreen, amavisd-new and dovecot lines sharing the mail log.</summary>
public class OtherProgramTests
{
    [Theory]
    [InlineData("CONNECT from [61.238.241.86]:53024 to [89.105.204.244]:25", "CONNECT", "61.238.241.86", 53024)]
    [InlineData("PASS NEW [2607:f8b0:4003:c01::23a]:36051", "PASS NEW", "2607:f8b0:4003:c01::23a", 36051)]
    [InlineData("PASS OLD [61.238.241.86]:53024", "PASS OLD", "61.238.241.86", 53024)]
    [InlineData("DNSBL rank 3 for [111.73.45.149]:1038", "DNSBL", "111.73.45.149", 1038)]
    [InlineData("PREGREET 6 after 1.2 from [216.81.72.72]:43421: RSET", "PREGREET", "216.81.72.72", 43421)]
    [InlineData("HANGUP after 63 from [111.73.45.149]:1038 in tests after SMTP handshake", "HANGUP", "111.73.45.149", 1038)]
    [InlineData("COMMAND TIME LIMIT from [182.246.250.243]:51799 after CONNECT", "COMMAND TIME LIMIT", "182.246.250.243", 51799)]
    [InlineData("NON-SMTP COMMAND from [93.174.93.51]:45284 after CONNECT: GET / HTTP/1.1", "NON-SMTP COMMAND", "93.174.93.51", 45284)]
    [InlineData("DISCONNECT [216.81.72.72]:43421", "DISCONNECT", "216.81.72.72", 43421)]
    public void Postscreen_events(string payload, string verb, string ip, int port)
    {
        var p = ParsedLine.Of("May  5 15:51:11 mx postfix/postscreen[1148]: " + payload);
        Assert.Equal(EventKind.PostscreenEvent, p.Kind);
        Assert.Equal(verb, p.Action);
        Assert.Equal(ip, p.ClientIp);
        Assert.Equal(port, p.Event.ClientPort);
    }

    [Fact]
    public void Postscreen_reject_is_a_reject_with_comma_separated_envelope()
    {
        var p = ParsedLine.Of("May  5 15:51:11 mx postfix/postscreen[1148]: NOQUEUE: reject: RCPT from [216.245.194.173]:60591: 550 5.7.1 Service unavailable; client [216.245.194.173] blocked using rbl.example.com; from=<spammer@example.com>, to=<goodguy@example.com>, proto=ESMTP, helo=<badguy.example.com>");
        Assert.Equal(EventKind.SmtpdReject, p.Kind);
        Assert.Equal("postscreen", p.Daemon);
        Assert.Equal("216.245.194.173", p.ClientIp);
        Assert.Equal(60591, p.Event.ClientPort);
        Assert.Equal("spammer@example.com", p.From);
        Assert.Equal("goodguy@example.com", p.To);
        Assert.Equal("ESMTP", p.Proto);
        Assert.Equal("badguy.example.com", p.Helo);
    }

    [Fact]
    public void Amavis_passed_with_queue_ids()
    {
        var p = ParsedLine.Of("Nov 29 00:39:18 mx amavis[2345]: (02345-07) Passed CLEAN {RelayedOutbound}, ORIGINATING LOCAL [192.0.2.77]:50432 [192.0.2.77] <info@example.com> -> <a@example.net>,<b@example.org>, Queue-ID: 4Qd1x35vB7z1Yqg, Message-ID: <20241129003917.ABC@example.com>, mail_id: Xk3_zz-1, Hits: -1.2, size: 4321, queued_as: 4Qd1x37pQ9z1Yqh, 812 ms");
        Assert.Equal(EventKind.AmavisResult, p.Kind);
        Assert.Equal("Passed", p.Action);
        Assert.Equal("CLEAN", p.Text);
        Assert.Equal("192.0.2.77", p.ClientIp);
        Assert.Equal("info@example.com", p.From);
        Assert.Equal("<a@example.net>,<b@example.org>", p.To);
        Assert.Equal("4Qd1x35vB7z1Yqg", p.QueueId);
        Assert.Equal("20241129003917.ABC@example.com", p.MessageId);
        Assert.Equal("4Qd1x37pQ9z1Yqh", p.OtherQueueId);
    }

    [Fact]
    public void Amavis_blocked_without_queued_as()
    {
        var p = ParsedLine.Of("Nov 29 00:39:18 mx amavis[2345]: (02345-08) Blocked SPAM {DiscardedInbound,Quarantined}, [203.0.113.5]:41000 [203.0.113.5] <x@spam.example> -> <victim@example.com>, quarantine: spam-AbCd, Queue-ID: 3A452D963D, Message-ID: <abc@spam.example>, mail_id: AbCd, Hits: 17.4, size: 2000, 300 ms");
        Assert.Equal(EventKind.AmavisResult, p.Kind);
        Assert.Equal("Blocked", p.Action);
        Assert.Equal("SPAM", p.Text);
        Assert.Equal("victim@example.com", p.To);
        Assert.Equal("3A452D963D", p.QueueId);
        Assert.Null(p.OtherQueueId);
    }

    [Fact]
    public void Other_amavis_lines_are_ignored() =>
        Assert.Equal(EventKind.Ignored, ParsedLine.Of("Nov 29 00:39:18 mx amavis[2345]: (02345-08) extra modules loaded after daemonizing: Mail/SPF.pm").Kind);

    [Theory]
    [InlineData("dovecot: auth: passwd-file(admin@example.com,192.0.2.8): unknown user", "admin@example.com", "192.0.2.8")]
    [InlineData("dovecot: auth-worker(1234): sql(info@example.com,192.0.2.8,<Xy12>): Password mismatch", "info@example.com", "192.0.2.8")]
    [InlineData("dovecot: auth: pam(bob,2001:db8::8): pam_authenticate() failed: Authentication failure (password mismatch?)", "bob", "2001:db8::8")]
    [InlineData("dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob@example.com>, method=PLAIN, rip=192.0.2.9, lip=192.0.2.1, TLS, session=<abc>", "bob@example.com", "192.0.2.9")]
    [InlineData("dovecot: submission-login: Login aborted: Connection closed (auth failed, 3 attempts in 15 secs) (auth_failed): user=<eve@example.com>, method=LOGIN, rip=192.0.2.10, lip=192.0.2.1, session=<q>", "eve@example.com", "192.0.2.10")]
    public void Dovecot_auth_failures(string payload, string user, string ip)
    {
        var p = ParsedLine.Of("Nov 29 00:39:18 mx " + payload);
        Assert.Equal(EventKind.DovecotAuthFailure, p.Kind);
        Assert.Equal(user, p.SaslUser);
        Assert.Equal(ip, p.ClientIp);
    }

    [Fact]
    public void Dovecot_login()
    {
        var p = ParsedLine.Of("Nov 29 00:39:18 mx dovecot: imap-login: Login: user=<bob@example.com>, method=PLAIN, rip=192.0.2.9, lip=192.0.2.1, mpid=4242, TLS, session=<abc>");
        Assert.Equal(EventKind.DovecotLogin, p.Kind);
        Assert.Equal("bob@example.com", p.SaslUser);
        Assert.Equal("192.0.2.9", p.ClientIp);
        var tag = ParsedLine.Of("Nov 29 00:39:18 mx pop3-login: Login: user=<bob>, method=PLAIN, rip=192.0.2.9, lip=192.0.2.1");
        Assert.Equal(EventKind.DovecotLogin, tag.Kind);
        Assert.Equal("bob", tag.SaslUser);
    }

    [Fact]
    public void Other_dovecot_lines_are_ignored()
    {
        Assert.Equal(EventKind.Ignored, ParsedLine.Of("Aug 31 21:10:10 x dovecot: master: Warning: Killed with signal 15 (by pid=6068 uid=0 code=kill)").Kind);
        Assert.Equal(EventKind.Ignored, ParsedLine.Of("Aug 31 21:10:10 x dovecot: imap(bob): Disconnected: Logged out in=50 out=400").Kind);
        Assert.Equal(EventKind.Ignored, ParsedLine.Of("Aug 31 21:10:10 x dovecot: auth-worker(77): Error: sql(bob,192.0.2.1): Password query failed: MySQL server has gone away").Kind);
        Assert.Equal(EventKind.DovecotAuthFailure, ParsedLine.Of("Aug 31 21:10:10 x dovecot: auth: Info: passwd-file(bob,192.0.2.1): unknown user").Kind);
    }
}
