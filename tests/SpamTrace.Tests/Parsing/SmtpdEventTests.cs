using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Parsing;

public class SmtpdEventTests
{
    private const string Smtpd = "Mar 23 05:01:52 mx1 postfix/smtpd[1234]: ";

    [Fact]
    public void Connect_and_disconnect_with_counters()
    {
        var c = ParsedLine.Of(Smtpd + "connect from 061238241086.static.ctinets.com[61.238.241.86]");
        Assert.Equal(EventKind.SmtpdConnect, c.Kind);
        Assert.Equal("061238241086.static.ctinets.com", c.ClientName);
        Assert.Equal("61.238.241.86", c.ClientIp);
        Assert.Null(c.QueueId);

        var d = ParsedLine.Of(Smtpd + "disconnect from unknown[2001:db8::1] ehlo=2 starttls=1 mail=1 rcpt=0/1 data=0/1 quit=1 commands=5/7");
        Assert.Equal(EventKind.SmtpdDisconnect, d.Kind);
        Assert.Equal("unknown", d.ClientName);
        Assert.Equal("2001:db8::1", d.ClientIp);
        Assert.Equal("ehlo=2 starttls=1 mail=1 rcpt=0/1 data=0/1 quit=1 commands=5/7", d.Text);
    }

    [Fact]
    public void Client_line_with_sasl_login()
    {
        var p = ParsedLine.Of("Mar 23 05:01:52 mx1 postfix/submission/smtpd[27133]: 4Qd1x35vB7z1Yqg: client=unknown[198.51.100.7]:51234, sasl_method=LOGIN, sasl_username=info@example.com");
        Assert.Equal(EventKind.SmtpdClient, p.Kind);
        Assert.Equal("4Qd1x35vB7z1Yqg", p.QueueId);
        Assert.Equal("198.51.100.7", p.ClientIp);
        Assert.Equal(51234, p.Event.ClientPort);
        Assert.Equal("LOGIN", p.SaslMethod);
        Assert.Equal("info@example.com", p.SaslUser);
    }

    [Fact]
    public void Client_line_with_sasl_sender_and_xforward()
    {
        var p = ParsedLine.Of(Smtpd + "ABC123DEF: client=localhost[127.0.0.1]:41234, sasl_sender=<owner@example.com>, orig_queue_id=3A452D963D, orig_client=mail.example.org[203.0.113.5]");
        Assert.Equal(EventKind.SmtpdClient, p.Kind);
        Assert.Equal("owner@example.com", p.SaslSender);
        Assert.Equal("3A452D963D", p.OtherQueueId);
        Assert.Equal("mail.example.org[203.0.113.5]", p.OrigClient);
    }

    [Fact]
    public void Noqueue_reject_has_every_field()
    {
        var p = ParsedLine.Of(Smtpd + "NOQUEUE: reject: RCPT from 1-2-3-4-example.com[1.2.3.4]: 554 5.7.1 <smtp@example.com>: Relay access denied; from=<john@example.com> to=<smtp@example.org> proto=SMTP helo=<198.51.100.17>");
        Assert.Equal(EventKind.SmtpdReject, p.Kind);
        Assert.Null(p.QueueId);
        Assert.Equal("reject", p.Action);
        Assert.Equal("RCPT", p.Detail);
        Assert.Equal("1.2.3.4", p.ClientIp);
        Assert.Equal("554 5.7.1", p.Code);
        Assert.Equal("<smtp@example.com>: Relay access denied", p.Text);
        Assert.Equal("john@example.com", p.From);
        Assert.Equal("smtp@example.org", p.To);
        Assert.Equal("SMTP", p.Proto);
        Assert.Equal("198.51.100.17", p.Helo);
    }

    [Fact]
    public void Reject_reason_may_contain_semicolons()
    {
        var p = ParsedLine.Of(Smtpd + "NOQUEUE: reject: RCPT from news.zihan-promo.com[192.36.205.58]: 554 5.7.1 Service unavailable; Helo command [news.zihan-promo.com] blocked using dbl.spamhaus.org; http://www.spamhaus.org/query/dbl?domain=zihan-promo.com; from=<mark@zihan-promo.com> to=<tom@example.com> proto=ESMTP helo=<news.zihan-promo.com>");
        Assert.Equal("Service unavailable; Helo command [news.zihan-promo.com] blocked using dbl.spamhaus.org; http://www.spamhaus.org/query/dbl?domain=zihan-promo.com", p.Text);
        Assert.Equal("mark@zihan-promo.com", p.From);
    }

    [Theory]
    [InlineData("NOQUEUE: discard: MAIL from c.example.com[208.75.123.231]: <a@b.com>: Sender address SPAM; from=<a@b.com> proto=ESMTP helo=<c.example.com>", "discard", "MAIL", null)]
    [InlineData("NOQUEUE: filter: RCPT from unknown[85.25.255.255]: <mail@sender.com>: Sender address triggers FILTER smtp-amavis:[127.0.0.1]:10024; from=<mail@sender.com> to=<user@domain.com> proto=ESMTP helo=<plutoapp.biz>", "filter", "RCPT", null)]
    [InlineData("NOQUEUE: reject_warning: RCPT from example.com[93.184.216.34]: 553 5.7.1 <s@example.com>: Sender address rejected: not owned by user ph123; from=<s@example.com> to=<r@example.com> proto=ESMTP helo=<example.com>", "reject_warning", "RCPT", "553 5.7.1")]
    [InlineData("NOQUEUE: milter-reject: RCPT from mailrelay.example.com[8.8.8.8]: 451 4.7.1 Greylisting in action, please come back later; from=<support@example.com> to=<example@example.org> proto=ESMTP helo=<mailrelay.example.com>", "milter-reject", "RCPT", "451 4.7.1")]
    [InlineData("44JCRG5tYPzCqt2: reject: BDAT from signing-milter.example.com[192.0.2.109]: 550 5.5.3 <DATA>: Data command rejected: Multi-recipient bounce; from=<> to=<some@example.com> proto=ESMTP helo=<domain.tld>", "reject", "BDAT", "550 5.5.3")]
    [InlineData("NOQUEUE: hold: RCPT from host[10.0.0.1]: <dummy>: Helo command triggers HOLD action; from=<f@sample.net> to=<eto@example.com> proto=ESMTP helo=<dummy>", "hold", "RCPT", null)]
    [InlineData("NOQUEUE: redirect: RCPT from host[10.0.0.1]: <eto@example.com>: Recipient address triggers REDIRECT root@localhost; from=<f@sample.net> to=<eto@example.com> proto=ESMTP helo=<sample.com>", "redirect", "RCPT", null)]
    [InlineData("NOQUEUE: warn: RCPT from host[10.0.0.1]: TEST access WARN action; from=<f@sample.com> to=<eto@example.com> proto=ESMTP helo=<sample.com>", "warn", "RCPT", null)]
    [InlineData("NOQUEUE: reject: CONNECT from unknown[192.0.2.114]: 450 4.7.25 Client host rejected: cannot find your hostname, [178.215.236.114]; proto=SMTP", "reject", "CONNECT", "450 4.7.25")]
    public void Restriction_verdicts(string payload, string action, string stage, string? code)
    {
        var p = ParsedLine.Of(Smtpd + payload);
        Assert.Equal(EventKind.SmtpdReject, p.Kind);
        Assert.Equal(action, p.Action);
        Assert.Equal(stage, p.Detail);
        Assert.Equal(code, p.Code);
        Assert.NotNull(p.ClientIp);
        Assert.NotNull(p.Proto);
    }

    [Fact]
    public void Proxy_accept_names_the_queue_id_of_the_filtered_message()
    {
        var p = ParsedLine.Of(Smtpd + "9BE3547AFE: proxy-accept: END-OF-MESSAGE: 250 2.0.0 from MTA(smtp:[127.0.0.1]:10013): 250 2.0.0 Ok: queued as DF66E940333; from=<u1@test.example.com> to=<u2@example2.com> proto=ESMTP helo=<[127.0.0.1]>");
        Assert.Equal(EventKind.SmtpdReject, p.Kind);
        Assert.Equal("proxy-accept", p.Action);
        Assert.Equal("END-OF-MESSAGE", p.Detail);
        Assert.Equal("DF66E940333", p.OtherQueueId);
        Assert.Equal("[127.0.0.1]", p.Helo);
    }

    [Theory]
    [InlineData("warning: ec2-3-84-57-208.compute-1.amazonaws.com[3.84.57.208]: SASL LOGIN authentication failed: UGFzc3dvcmQ6", "LOGIN", null, "UGFzc3dvcmQ6")]
    [InlineData("warning: unknown[192.0.2.5]: SASL LOGIN authentication failed: authentication failure, sasl_username=info@example.com", "LOGIN", "info@example.com", "authentication failure")]
    [InlineData("warning: unknown[192.0.2.5]: SASL PLAIN authentication failed: ", "PLAIN", null, null)]
    public void Sasl_failures(string payload, string method, string? user, string? text)
    {
        var p = ParsedLine.Of("Mar 23 05:01:52 mx1 postfix/submission/smtpd[1]: " + payload);
        Assert.Equal(EventKind.SaslAuthFailed, p.Kind);
        Assert.NotNull(p.ClientIp);
        Assert.Equal(method, p.SaslMethod);
        Assert.Equal(user, p.SaslUser);
        Assert.Equal(text, p.Text);
    }

    [Theory]
    [InlineData("lost connection after AUTH from unknown[192.0.2.9]", "192.0.2.9")]
    [InlineData("timeout after END-OF-MESSAGE from unknown[72.13.58.7]", "72.13.58.7")]
    [InlineData("too many errors after RCPT from example.com[192.0.2.11]", "192.0.2.11")]
    [InlineData("improper command pipelining after EHLO from unknown[2001:968::1]: MAIL FROM:<>", "2001:968::1")]
    [InlineData("Anonymous TLS connection established from julie.example.com[10.163.89.202]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)", "10.163.89.202")]
    [InlineData("NOQUEUE: lost connection after CONNECT from unknown[192.0.2.25]", "192.0.2.25")]
    [InlineData("SSL_accept error from unknown[72.13.58.7]: lost connection", "72.13.58.7")]
    [InlineData("discarding EHLO keywords: CHUNKING ETRN DSN 8BITMIME", null)]
    [InlineData("statistics: max connection rate 1/60s for (smtp:192.0.2.1) at Mar 23 05:00:00", null)]
    public void Session_notes_are_ignored_but_name_the_client(string payload, string? ip)
    {
        var p = ParsedLine.Of(Smtpd + payload);
        Assert.Equal(EventKind.Ignored, p.Kind);
        Assert.Equal(ip, p.ClientIp);
    }

    [Fact]
    public void Other_smtpd_warnings_are_postfix_warnings_naming_the_client()
    {
        var p = ParsedLine.Of(Smtpd + "warning: hostname bad.example.com does not resolve to address 192.0.2.44: Name or service not known");
        Assert.Equal(EventKind.PostfixWarning, p.Kind);
        Assert.Equal("warning", p.Action);
        Assert.Equal("192.0.2.44", p.ClientIp);
        Assert.StartsWith("hostname bad.example.com", p.Text);
    }

    [Fact]
    public void Rsyslog_repeated_message_is_parsed_as_the_original()
    {
        var p = ParsedLine.Of(Smtpd + "message repeated 3 times: [ warning: unknown[192.0.2.5]: SASL LOGIN authentication failed: UGFzc3dvcmQ6]");
        Assert.Equal(EventKind.SaslAuthFailed, p.Kind);
        Assert.Equal("192.0.2.5", p.ClientIp);
        Assert.Equal("UGFzc3dvcmQ6", p.Text);
        Assert.Equal(3, p.Event.Repeat);
        Assert.Equal(1, ParsedLine.Of(Smtpd + "warning: unknown[192.0.2.5]: SASL LOGIN authentication failed: UGFzc3dvcmQ6").Event.Repeat);
        Assert.Equal(1, ParsedLine.Of(Smtpd + "message repeated x times: [ warning: unknown[192.0.2.5]: SASL LOGIN authentication failed: UGFzc3dvcmQ6]").Event.Repeat);
    }

    [Fact]
    public void Unrecognised_smtpd_text_is_unknown()
    {
        Assert.Equal(EventKind.Unknown, ParsedLine.Of(Smtpd + "Unsupported").Kind);
        Assert.Equal(EventKind.Unknown, ParsedLine.Of(Smtpd + "NOQUEUE: reject: Unsupported").Kind);
        Assert.Equal(EventKind.Unknown, ParsedLine.Of(Smtpd + "ABCDEF1234: something new").Kind);
        Assert.Equal(EventKind.Unknown, ParsedLine.Of(Smtpd).Kind);
        Assert.Equal(EventKind.Unknown, ParsedLine.Of(Smtpd + "NOQUEUE: been_here: 127.0.0.0/8: 0").Kind);
        // A -v trace that looks like a verdict is still a trace.
        Assert.Equal(EventKind.Ignored, ParsedLine.Of(Smtpd + "been_here: 127.0.0.0/8: 0").Kind);
        Assert.Equal(EventKind.SmtpdReject, ParsedLine.Of(Smtpd + "reject: RCPT from x.example[192.0.2.1]: 554 5.7.1 <r@example.com>: Relay access denied; from=<s@example.org> to=<r@example.com>").Kind);
    }
}
