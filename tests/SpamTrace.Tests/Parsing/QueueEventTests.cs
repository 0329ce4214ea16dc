using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Parsing;

/// <summary>pickup, cleanup, qmgr, bounce, postsuper: the lines that follow one queue file.</summary>
public class QueueEventTests
{
    private static ParsedLine P(string daemon, string payload) => ParsedLine.Of($"Mar 23 05:01:52 mx1 postfix/{daemon}[77]: {payload}");

    [Fact]
    public void Pickup_uid_and_sender()
    {
        var p = P("pickup", "D2FAE20586: uid=33 from=<www-data@host.example.com>");
        Assert.Equal(EventKind.PickupUid, p.Kind);
        Assert.Equal("D2FAE20586", p.QueueId);
        Assert.Equal(33, p.Event.Uid);
        Assert.Equal("www-data@host.example.com", p.From);
    }

    [Theory]
    [InlineData("0F5383D: message-id=<544D2523.30609@rhsoft.net>", "544D2523.30609@rhsoft.net")]
    [InlineData("4104E3D: message-id=<>", null)]
    [InlineData("ADD961003206D: message-id==?UTF-8?B?PDE5?=", "=?UTF-8?B?PDE5?=")]
    public void Cleanup_message_id(string payload, string? id)
    {
        var p = P("cleanup", payload);
        Assert.Equal(EventKind.CleanupMessageId, p.Kind);
        Assert.Equal(id, p.MessageId);
        Assert.Null(p.Action);
    }

    [Fact]
    public void Cleanup_resent_message_id_is_marked_by_its_action()
    {
        var p = P("cleanup", "A1B2C3D4E5: resent-message-id=<ARF+DXZwLECdxm@mail.example.com>");
        Assert.Equal(EventKind.CleanupMessageId, p.Kind);
        Assert.Equal("resent-message-id", p.Action);
        Assert.Equal("ARF+DXZwLECdxm@mail.example.com", p.MessageId);
    }

    [Fact]
    public void Cleanup_header_check_of_a_php_script_from_local()
    {
        var p = P("cleanup", "3B1F6C0A2D: info: header X-PHP-Originating-Script: 33:wp-cache.php from local; from=<www-data@host.example.com> to=<victim@example.net>");
        Assert.Equal(EventKind.CleanupAction, p.Kind);
        Assert.Equal("info", p.Action);
        Assert.Equal("header X-PHP-Originating-Script: 33:wp-cache.php", p.Text);
        Assert.Equal("local", p.ClientName);
        Assert.Null(p.ClientIp);
        Assert.Equal("www-data@host.example.com", p.From);
        Assert.Equal("victim@example.net", p.To);
    }

    [Fact]
    public void Cleanup_header_check_with_client_and_reason()
    {
        var p = P("cleanup", "48rT2v1hQrz1J0N: prepend: header X-Spam-Status: Yes, score=45.1 from mx2.example.org[192.0.2.41]; from=<a@example.org> to=<r@example.net> proto=ESMTP helo=<mx2.example.org>: X-Spam-Status: Yes");
        Assert.Equal(EventKind.CleanupAction, p.Kind);
        Assert.Equal("48rT2v1hQrz1J0N", p.QueueId);
        Assert.Equal("prepend", p.Action);
        Assert.Equal("header X-Spam-Status: Yes, score=45.1", p.Text);
        Assert.Equal("192.0.2.41", p.ClientIp);
        Assert.Equal("mx2.example.org", p.Helo);
        Assert.Equal("X-Spam-Status: Yes", p.Detail);
    }

    [Fact]
    public void Milter_reject_and_milter_header_action()
    {
        var r = P("cleanup", "4104E3D: milter-reject: END-OF-MESSAGE from x.example.com[61.238.241.86]: 5.7.1 Blocked by SpamAssassin; from=<w@c.com> to=<v@example.com> proto=ESMTP helo=<e.com>");
        Assert.Equal(EventKind.MilterAction, r.Kind);
        Assert.Equal("milter-reject", r.Action);
        Assert.Equal("END-OF-MESSAGE", r.Detail);
        Assert.Equal("5.7.1", r.Code);
        Assert.Equal("Blocked by SpamAssassin", r.Text);
        Assert.Equal("61.238.241.86", r.ClientIp);

        var h = P("cleanup", "4104E3D: milter-header-redirect: header X-Spam-Status: Yes, score=39.3 from x.example.com[61.238.241.86]; from=<w@c.com> to=<v@example.com> proto=ESMTP helo=<e.com>: tom@example.com");
        Assert.Equal(EventKind.MilterAction, h.Kind);
        Assert.Equal("milter-header-redirect", h.Action);
        Assert.Equal("tom@example.com", h.Detail);
    }

    [Fact]
    public void Qmgr_from_size_nrcpt()
    {
        var p = P("qmgr", "0F5383D: from=<owner-postfix-users@postfix.org>, size=5360, nrcpt=1 (queue active)");
        Assert.Equal(EventKind.QmgrFrom, p.Kind);
        Assert.Equal("owner-postfix-users@postfix.org", p.From);
        Assert.Equal(5360, p.Event.Size);
        Assert.Equal(1, p.Event.Nrcpt);

        var empty = P("qmgr", "0F5383D: from=<>, size=2, nrcpt=30 (queue active)");
        Assert.Null(empty.From);
        Assert.Equal(30, empty.Event.Nrcpt);

        var comma = P("qmgr", "0F5383D: from=<from@example.net, @example.com>, size=5335, nrcpt=1 (queue active)");
        Assert.Equal("from@example.net, @example.com", comma.From);
    }

    [Fact]
    public void Qmgr_removed_expired_skipped()
    {
        Assert.Equal(EventKind.QmgrRemoved, P("qmgr", "0F5383D: removed").Kind);
        var e = P("qmgr", "66C15648577B: from=<uvnhbl@yahoo.com.tw>, status=expired, returned to sender");
        Assert.Equal(EventKind.QmgrExpired, e.Kind);
        Assert.Equal("uvnhbl@yahoo.com.tw", e.From);
        Assert.Equal(EventKind.QmgrSkipped, P("qmgr", "ED06590130AA1C9D6D862: skipped, still being delivered").Kind);
        Assert.Equal(EventKind.Unknown, P("qmgr", "0F5383D: removed twice").Kind);
    }

    [Theory]
    [InlineData("17CCA8044: sender non-delivery notification: ADD2F8052", EventKind.BounceNotice, "ADD2F8052")]
    [InlineData("264FE1A18: sender delay notification: 0A87A1A08", EventKind.DelayNotice, "0A87A1A08")]
    [InlineData("65AFB8B5: sender delivery status notification: 1DF35917", EventKind.SuccessNotice, "1DF35917")]
    [InlineData("482E4404AC8: postmaster non-delivery notification: 47335405A44", EventKind.PostmasterNotice, "47335405A44")]
    public void Bounce_notifications_name_the_new_queue_id(string payload, EventKind kind, string other)
    {
        var p = P("bounce", payload);
        Assert.Equal(kind, p.Kind);
        Assert.Equal(other, p.OtherQueueId);
    }

    [Theory]
    [InlineData("D4F2023DB: placed on hold", EventKind.PostsuperHold)]
    [InlineData("D4F2023DB: released from hold", EventKind.PostsuperRelease)]
    [InlineData("D4F2023DB: requeued", EventKind.PostsuperRequeue)]
    [InlineData("D4F2023DB: removed", EventKind.PostsuperDelete)]
    [InlineData("Deleted: 115 messages", EventKind.Ignored)]
    [InlineData("Placed on hold: 67 messages", EventKind.Ignored)]
    public void Postsuper(string payload, EventKind kind)
    {
        var p = P("postsuper", payload);
        Assert.Equal(kind, p.Kind);
        if (kind != EventKind.Ignored)
        {
            Assert.Equal("D4F2023DB", p.QueueId);
        }
    }

    [Fact]
    public void Postfix_warnings_keep_level_and_queue_id()
    {
        var w = P("cleanup", "warning: 9BECF3F19D: sender_canonical_maps map lookup problem for sender@example.com -- message not accepted, try again later");
        Assert.Equal(EventKind.PostfixWarning, w.Kind);
        Assert.Equal("9BECF3F19D", w.QueueId);
        Assert.StartsWith("sender_canonical_maps", w.Text);
        var f = P("sendmail", "fatal: root(0): message file too big");
        Assert.Equal(EventKind.PostfixWarning, f.Kind);
        Assert.Equal("fatal", f.Action);
        Assert.Equal(EventKind.PostfixWarning, P("master", "panic: myfree: corrupt or unallocated memory block").Kind);
    }

    [Theory]
    [InlineData("master", "daemon started -- version 3.7.11, configuration /etc/postfix")]
    [InlineData("postfix-script", "starting the Postfix mail system")]
    [InlineData("tlsmgr", "prng_exch_update: ...")]
    [InlineData("scache", "statistics: domain lookup hits=0 miss=1 success=0%")]
    [InlineData("qmgr", "qmgr_scan_start: start incoming queue scan")]
    [InlineData("smtpd", "send attr request = rewrite")]
    [InlineData("anvil", "statistics: max cache size 1 at Oct 26 18:13:50")]
    public void Informational_lines_are_ignored(string daemon, string payload) => Assert.Equal(EventKind.Ignored, P(daemon, payload).Kind);

    [Theory]
    [InlineData("statistics: max connection rate 1/60s for (smtpd:61.238.241.86) at Oct 26 18:13:50", "smtpd", "61.238.241.86", "max connection rate 1/60s")]
    [InlineData("statistics: max connection count 1 for (smtpd:2604:8d00:0:1::3) at Oct 26 17:46:59", "smtpd", "2604:8d00:0:1::3", "max connection count 1")]
    [InlineData("statistics: max connection count 1 for (127.0.0.1:2525:127.0.0.1) at Oct 26 19:46:00", "127.0.0.1:2525", "127.0.0.1", "max connection count 1")]
    public void Anvil_statistics(string payload, string service, string ip, string text)
    {
        var p = P("anvil", payload);
        Assert.Equal(EventKind.AnvilStatistics, p.Kind);
        Assert.Equal(service, p.Detail);
        Assert.Equal(ip, p.ClientIp);
        Assert.Equal(text, p.Text);
    }

    [Fact]
    public void Bracketed_anvil_service_splits_after_its_port()
    {
        var p = P("anvil", "statistics: max connection count 3 for ([::1]:2525:2001:db8::5) at Oct 26 19:46:00");
        Assert.Equal("[::1]:2525", p.Detail);
        Assert.Equal("2001:db8::5", p.ClientIp);
    }

    [Theory]
    [InlineData("4Qd1x35vB7z1Yqg", true)]
    [InlineData("3A452D963D", true)]
    [InlineData("ED06590130AA1C9D6D862", true)]
    [InlineData("warning", false)]
    [InlineData("NOQUEUE", false)]
    [InlineData("statistics", false)]
    [InlineData("4Qd1x35vB7a1Yqg", false)]
    [InlineData("3a452d963d", false)]
    public void Queue_id_forms(string token, bool isId) =>
        Assert.Equal(isId, QueueIdParser.IsQueueId(System.Text.Encoding.ASCII.GetBytes(token)));
}
