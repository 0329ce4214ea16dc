using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Parsing;

public class EnvelopeTests
{
    private const string Payload = "connect from mail.example.com[192.0.2.10]";

    [Theory]
    [InlineData("Mar 23 05:01:52 mx1 postfix/smtpd[1234]: ", 3, 23, 5, 1, 52, 0)]
    [InlineData("Mar  3 05:01:52 mx1 postfix/smtpd[1234]: ", 3, 3, 5, 1, 52, 0)]
    [InlineData("Dec 05 23:59:59 mx1 postfix/smtpd[1234]: ", 12, 5, 23, 59, 59, 0)]
    [InlineData("Mar 7 02:09:33 mx1 postfix/smtpd[1234]: ", 3, 7, 2, 9, 33, 0)]
    [InlineData("Jan 31 00:00:00.123456 mx1 postfix/smtpd[1234]: ", 1, 31, 0, 0, 0, 1234560)]
    public void Classic_syslog_timestamps_have_month_day_and_time_of_day_but_no_year(
        string prefix, int month, int day, int h, int m, int s, long fractionTicks)
    {
        var p = ParsedLine.Of(prefix + Payload);
        Assert.True(p.EnvelopeOk);
        var ts = p.Event.Time;
        Assert.True(ts.IsValid);
        Assert.False(ts.HasYear);
        Assert.False(ts.HasOffset);
        Assert.Equal(month, ts.Month);
        Assert.Equal(day, ts.Day);
        Assert.Equal(new TimeSpan(h, m, s).Ticks + fractionTicks, ts.Ticks);
        Assert.Equal(EventKind.SmtpdConnect, p.Kind);
        Assert.Equal("mx1", p.Host);
    }

    [Theory]
    [InlineData("2024-11-29T00:39:18.123456+01:00", 60, 1234560)]
    [InlineData("2024-11-29T00:39:18Z", 0, 0)]
    [InlineData("2024-11-29T00:39:18.5z", 0, 5000000)]
    [InlineData("2024-11-29T00:39:18+0100", 60, 0)]
    [InlineData("2024-11-29T00:39:18.123456789-0530", -330, 1234567)]
    [InlineData("2024-11-29T00:39:18-05", -300, 0)]
    public void Iso_timestamps_carry_year_and_offset(string stamp, int offsetMinutes, long fractionTicks)
    {
        var p = ParsedLine.Of(stamp + " mx1 postfix/smtpd[1]: " + Payload);
        Assert.True(p.EnvelopeOk);
        var ts = p.Event.Time;
        Assert.True(ts.IsValid && ts.HasYear && ts.HasOffset);
        Assert.Equal(offsetMinutes, ts.OffsetMinutes);
        Assert.Equal(new DateTime(2024, 11, 29, 0, 39, 18).Ticks + fractionTicks, ts.Ticks);
        Assert.Equal(new DateTime(2024, 11, 29, 0, 39, 18).AddTicks(fractionTicks).AddMinutes(-offsetMinutes), ts.ToUtcDateTime());
        Assert.Equal(EventKind.SmtpdConnect, p.Kind);
    }

    [Fact]
    public void Iso_timestamp_without_zone_is_the_wall_clock()
    {
        var p = ParsedLine.Of("2024-02-29T12:00:00 mx1 postfix/smtpd[1]: " + Payload);
        Assert.True(p.Event.Time.HasYear);
        Assert.False(p.Event.Time.HasOffset);
        Assert.Equal(new DateTime(2024, 2, 29, 12, 0, 0), p.Event.Time.ToUtcDateTime());
    }

    [Theory]
    [InlineData("2023-02-29T12:00:00 mx1 postfix/smtpd[1]: x")]
    [InlineData("2024-13-01T12:00:00 mx1 postfix/smtpd[1]: x")]
    [InlineData("2024-11-29T24:00:00 mx1 postfix/smtpd[1]: x")]
    [InlineData("Foo 23 05:01:52 mx1 postfix/smtpd[1]: x")]
    [InlineData("Mar 32 05:01:52 mx1 postfix/smtpd[1]: x")]
    [InlineData("Mar 23 05:61:52 mx1 postfix/smtpd[1]: x")]
    [InlineData("Mar 23 05:01:52 mx1")]
    [InlineData("Mar 23 05:01:52 mx1 postfix/smtpd[12a]: x")]
    [InlineData("Mar 23 05:01:52 mx1 -- MARK --")]
    [InlineData("[02-May-2021 13:16:15 America/Boise] PHP Warning:  fclose()")]
    [InlineData("")]
    public void Lines_without_a_valid_envelope_are_unknown(string line)
    {
        var p = ParsedLine.Of(line);
        Assert.False(p.EnvelopeOk);
        Assert.Equal(EventKind.Unknown, p.Kind);
        Assert.Null(p.Host);
        Assert.False(p.Event.Time.IsValid);
    }

    [Fact]
    public void A_failed_envelope_leaves_the_callers_position_fields_and_nothing_else()
    {
        var ev = default(LogEvent);
        ev.Clear();
        ev.LineStart = 17;
        ev.LineLength = 42;
        ev.LineNumber = 99;
        Assert.False(PostfixLineParser.Parse("Mar 23 05:01:52 mx1 no-colon-after-the-tag"u8, ref ev));
        Assert.Equal(EventKind.Unknown, ev.Kind);
        Assert.Equal((17, 42, 99L), (ev.LineStart, ev.LineLength, ev.LineNumber));
        Assert.True(ev.Host.IsEmpty && ev.Program.IsEmpty && !ev.Time.IsValid);
    }

    [Theory]
    [InlineData("mail-out/smtp[5]: 3A452D963D: to=<a@b.example>, relay=none, delay=1, status=deferred (x)", EventKind.Delivery)]
    [InlineData("systemd/logind[5]: New session 3 of user root.", EventKind.Foreign)]
    [InlineData("postfix1[12345]: foo", EventKind.Unknown)]
    [InlineData("postfix/unknown[12345]: foo", EventKind.Unknown)]
    [InlineData("postfix/unknown[12345]: warning: foo", EventKind.PostfixWarning)]
    public void Postfix_tags_are_told_from_other_programs(string rest, EventKind kind) =>
        Assert.Equal(kind, ParsedLine.Of("Mar 23 05:01:52 mx1 " + rest).Kind);

    [Theory]
    [InlineData("postfix/smtpd[1234]", "postfix/smtpd", "smtpd", 1234)]
    [InlineData("postfix/smtpd", "postfix/smtpd", "smtpd", 0)]
    [InlineData("postfix/submission/smtpd[27133]", "postfix/submission/smtpd", "smtpd", 27133)]
    [InlineData("postfix/smtps/smtpd[42]", "postfix/smtps/smtpd", "smtpd", 42)]
    [InlineData("postfix-out/smtpd[9]", "postfix-out/smtpd", "smtpd", 9)]
    [InlineData("postfix-smo/submission/smtpd[22427]", "postfix-smo/submission/smtpd", "smtpd", 22427)]
    public void Program_is_the_whole_tag_and_daemon_its_last_component(string tag, string program, string daemon, int pid)
    {
        var p = ParsedLine.Of($"Mar 23 05:01:52 mx1 {tag}: {Payload}");
        Assert.Equal(program, p.Program);
        Assert.Equal(daemon, p.Daemon);
        Assert.Equal(pid, p.Event.Pid);
        Assert.Equal(EventKind.SmtpdConnect, p.Kind);
        Assert.Equal("192.0.2.10", p.ClientIp);
    }

    [Theory]
    [InlineData("Mar 23 05:01:52 mx1 sshd[811]: Accepted publickey for root from 192.0.2.1 port 22 ssh2")]
    [InlineData("Mar 23 05:01:52 mx1 CRON[9]: (root) CMD (run-parts /etc/cron.hourly)")]
    [InlineData("Mar 23 05:01:52 mx1 kernel: [123.4] eth0: link up")]
    [InlineData("Mar 23 05:01:52 mx1 roundcube: <ca0a80a9> User x@example.com [192.0.2.1]; Message for y@example.com")]
    [InlineData("Feb 25 14:09:43 server1 sendmail[5898]: alias database /etc/aliases rebuilt by root")]
    public void Other_programs_in_the_mail_log_are_foreign(string line)
    {
        var p = ParsedLine.Of(line);
        Assert.True(p.EnvelopeOk);
        Assert.Equal(EventKind.Foreign, p.Kind);
    }

    [Fact]
    public void Envelope_tolerates_extra_spaces_after_the_tag_colon()
    {
        var p = ParsedLine.Of("Feb  6 00:22:26 ntardis postfix/smtpd[4672]:   3A452D963D: client=hormel.redhat.com[66.187.233.30]");
        Assert.Equal(EventKind.SmtpdClient, p.Kind);
        Assert.Equal("3A452D963D", p.QueueId);
        var q = ParsedLine.Of("Feb  6 17:03:54 ntardis postfix/cleanup[13164]:0A84FD94C4: message-id=<20040206160150.D0B74D98D0@ntardis.ee.ethz.ch>");
        Assert.Equal(EventKind.CleanupMessageId, q.Kind);
        Assert.Equal("0A84FD94C4", q.QueueId);
    }
}

/// <summary>Lines with a syslog priority: a bare &lt;PRI&gt; before a classic line, and RFC 5424.</summary>
public class PriorityEnvelopeTests
{
    private const string Payload = "connect from mail.example.com[192.0.2.10]";

    [Fact]
    public void A_priority_before_a_classic_line_is_skipped()
    {
        var p = ParsedLine.Of("<22>Mar 23 05:01:52 mx1 postfix/smtpd[1234]: " + Payload);
        Assert.True(p.EnvelopeOk);
        Assert.Equal(EventKind.SmtpdConnect, p.Kind);
        Assert.Equal("mx1", p.Host);
        Assert.Equal(1234, p.Event.Pid);
    }

    [Theory]
    [InlineData("<22>1 2024-03-23T05:01:52.123456+01:00 mx1 postfix/smtpd 1234 - - ")]
    [InlineData("<22>1 2024-03-23T05:01:52.123456+01:00 mx1 postfix/smtpd 1234 - [meta sequenceId=\"7\"] ")]
    [InlineData("<22>1 2024-03-23T05:01:52.123456+01:00 mx1 postfix/smtpd 1234 - [a x=\"]\"][b y=\"z\\]\"] ")]
    [InlineData("<22>1 2024-03-23T05:01:52.123456+01:00 mx1 postfix/smtpd 1234 - - \uFEFF")]
    public void Rfc5424_lines_give_time_host_program_pid_and_message(string prefix)
    {
        var p = ParsedLine.Of(prefix + Payload);
        Assert.True(p.EnvelopeOk);
        Assert.Equal(EventKind.SmtpdConnect, p.Kind);
        Assert.Equal("mx1", p.Host);
        Assert.Equal(1234, p.Event.Pid);
        Assert.True(p.Event.Time.HasYear);
        Assert.Equal(60, p.Event.Time.OffsetMinutes);
        Assert.Equal("mail.example.com", p.ClientName);
    }

    [Fact]
    public void A_queue_line_in_rfc5424_is_parsed_like_any_other()
    {
        var p = ParsedLine.Of("<22>1 2024-03-23T05:01:52Z mx1 postfix/qmgr 99 - - 3A452D963D: from=<a@example.com>, size=1200, nrcpt=2 (queue active)");
        Assert.Equal(EventKind.QmgrFrom, p.Kind);
        Assert.Equal("3A452D963D", p.QueueId);
        Assert.Equal("a@example.com", p.From);
    }

    [Theory]
    [InlineData("<22x>Mar 23 05:01:52 mx1 postfix/smtpd[1234]: ")]
    [InlineData("<22>1 2024-03-23T05:01:52Z mx1 postfix/smtpd 1234 - [unterminated ")]
    [InlineData("<22>1 2024-03-23T05:01:52Z mx1")]
    [InlineData("<>Mar 23 05:01:52 mx1 postfix/smtpd[1234]: ")]
    public void Broken_priority_lines_are_not_parsed(string prefix)
    {
        var p = ParsedLine.Of(prefix + Payload);
        Assert.False(p.EnvelopeOk && p.Kind == EventKind.SmtpdConnect && p.Host == "mx1" && p.ClientName == "mail.example.com");
    }
}
