using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Correlation;

public class ChainTests
{
    // Real lines from an amavis setup (mailgraph's annotated sample): lmtp to the filter, re-injection, local delivery.
    private const string AmavisInbound = """
        Feb  6 00:22:26 ntardis postfix/smtpd[4672]: 3A452D963D: client=hormel.redhat.com[66.187.233.30]
        Feb  6 00:22:27 ntardis postfix/cleanup[4525]: 3A452D963D: message-id=<007601c3ec3e$1deaa3f0$1b01a8c0@richlap>
        Feb  6 00:22:27 ntardis postfix/qmgr[11862]: 3A452D963D: from=<redhat-list-admin@redhat.com>, size=5356, nrcpt=1 (queue active)
        Feb  6 00:22:27 ntardis postfix/smtpd[4591]: D2FF7D9649: client=localhost[127.0.0.1]
        Feb  6 00:22:27 ntardis postfix/cleanup[4612]: D2FF7D9649: message-id=<007601c3ec3e$1deaa3f0$1b01a8c0@richlap>
        Feb  6 00:22:27 ntardis postfix/lmtp[4716]: 3A452D963D: to=<cuche@vaw.baug.ethz.ch>, relay=127.0.0.1[127.0.0.1], delay=1, status=sent (250 2.6.0 Ok, id=04682-01-3, from MTA: 250 Ok: queued as D2FF7D9649)
        Feb  6 00:22:27 ntardis postfix/qmgr[11862]: 3A452D963D: removed
        Feb  6 00:22:27 ntardis postfix/qmgr[11862]: D2FF7D9649: from=<redhat-list-admin@redhat.com>, size=5790, nrcpt=1 (queue active)
        Feb  6 00:22:28 ntardis postfix/local[4735]: D2FF7D9649: to=<cuche@ee.ethz.ch>, orig_to=<cuche@vaw.baug.ethz.ch>, relay=local, delay=1, status=sent (delivered to command: /usr/bin/procmail)
        Feb  6 00:22:28 ntardis postfix/qmgr[11862]: D2FF7D9649: removed
        """;

    [Fact]
    public void Content_filter_reinjection_is_one_chain_even_when_the_child_is_logged_before_the_link()
    {
        var h = CorrelationHarness.Run(AmavisInbound);
        var chain = Assert.Single(h.Chains);
        Assert.Equal(["3A452D963D", "D2FF7D9649"], chain.Hops.Select(x => x.QueueId));
        Assert.Equal(OriginKind.Smtp, chain.Origin);
        Assert.Equal("66.187.233.30", chain.Root.ClientIp);
        Assert.Equal("3A452D963D", chain.Hops[1].ParentQueueId);
        Assert.Equal(HopKind.ContentFilter, chain.Root.Recipients.Single().Hop);
        var final = Assert.Single(chain.FinalRecipients);
        Assert.Equal("cuche@ee.ethz.ch", final.Address);
        Assert.Equal(HopKind.Local, final.Hop);
        Assert.False(chain.IsOutbound);
        Assert.False(chain.Incomplete);
    }

    private const string StolenAccountWithBounce = """
        Mar 23 05:01:50 mx postfix/submission/smtpd[100]: connect from unknown[203.0.113.7]
        Mar 23 05:01:51 mx postfix/submission/smtpd[100]: 4F2A1C2B3D: client=unknown[203.0.113.7]:51234, sasl_method=LOGIN, sasl_username=alice@example.com
        Mar 23 05:01:51 mx postfix/cleanup[101]: 4F2A1C2B3D: message-id=<spam1@example.com>
        Mar 23 05:01:51 mx postfix/qmgr[102]: 4F2A1C2B3D: from=<alice@example.com>, size=1500, nrcpt=2 (queue active)
        Mar 23 05:01:52 mx postfix/smtp[103]: 4F2A1C2B3D: to=<victim@yahoo.com>, relay=mta7.am0.yahoodns.net[98.136.96.74]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn=4.7.0, status=deferred (host mta7.am0.yahoodns.net[98.136.96.74] refused to talk to me: 421 4.7.0 [TS03] All messages from 192.0.2.1 will be permanently deferred; Retry later)
        Mar 23 05:01:53 mx postfix/smtp[104]: 4F2A1C2B3D: to=<nobody@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.1.26]:25, delay=2, delays=0.1/0/0.5/1.4, dsn=5.1.1, status=bounced (host gmail-smtp-in.l.google.com[142.250.1.26] said: 550 5.1.1 The email account that you tried to reach does not exist. (in reply to RCPT TO command))
        Mar 23 05:01:53 mx postfix/cleanup[101]: 9C8D7E6F5A: message-id=<20240323050153.9C8D7E6F5A@mx.example.com>
        Mar 23 05:01:53 mx postfix/bounce[105]: 4F2A1C2B3D: sender non-delivery notification: 9C8D7E6F5A
        Mar 23 05:01:53 mx postfix/qmgr[102]: 9C8D7E6F5A: from=<>, size=3000, nrcpt=1 (queue active)
        Mar 23 05:01:54 mx postfix/virtual[106]: 9C8D7E6F5A: to=<alice@example.com>, relay=virtual, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)
        Mar 23 05:01:54 mx postfix/qmgr[102]: 9C8D7E6F5A: removed
        Mar 23 05:31:52 mx postfix/smtp[107]: 4F2A1C2B3D: to=<victim@yahoo.com>, relay=mta5.am0.yahoodns.net[67.195.204.72]:25, delay=1800, delays=1799/0/0.5/0.5, dsn=2.0.0, status=sent (250 ok dirdel)
        Mar 23 05:31:52 mx postfix/qmgr[102]: 4F2A1C2B3D: removed
        """;

    [Fact]
    public void Bounce_is_a_chain_of_its_own_linked_to_its_cause_and_deferrals_are_kept()
    {
        var h = CorrelationHarness.Run(StolenAccountWithBounce);
        Assert.Equal(2, h.Chains.Count);
        var spam = h.Single("4F2A1C2B3D");
        Assert.Equal("alice@example.com", spam.Root.SaslUser);
        Assert.Equal("postfix/submission/smtpd", spam.Root.Listener);
        Assert.True(spam.IsOutbound);
        Assert.Equal(["9C8D7E6F5A"], spam.Root.NotificationQueueIds);
        var yahoo = spam.Root.Recipients.Single(r => r.Address == "victim@yahoo.com");
        Assert.Equal(DeliveryStatus.Sent, yahoo.Status);
        Assert.Equal(2, yahoo.Attempts);
        Assert.Contains("[TS03]", yahoo.FirstDeferralReply);
        Assert.Equal(DeliveryStatus.Bounced, spam.Root.Recipients.Single(r => r.Address == "nobody@gmail.com").Status);

        var bounce = h.Single("9C8D7E6F5A");
        Assert.Equal(OriginKind.Notification, bounce.Origin);
        Assert.Equal(new ChainLink("mx", "4F2A1C2B3D"), bounce.CausedBy);
        Assert.Equal("", bounce.Root.Sender);
        Assert.False(bounce.IsOutbound);
        Assert.False(bounce.Incomplete);
    }

    [Fact]
    public void A_short_queue_id_seen_again_after_removed_starts_a_new_record()
    {
        var log = """
            Mar 23 05:00:00 mx postfix/pickup[1]: ABCDE12345: uid=33 from=<www-data>
            Mar 23 05:00:00 mx postfix/cleanup[2]: ABCDE12345: info: header X-PHP-Originating-Script: 33:wp-cache.php from local; from=<www-data@mx.example.com> to=<a@mail.ru>
            Mar 23 05:00:00 mx postfix/qmgr[3]: ABCDE12345: from=<www-data@mx.example.com>, size=900, nrcpt=1 (queue active)
            Mar 23 05:00:01 mx postfix/smtp[4]: ABCDE12345: to=<a@mail.ru>, relay=mxs.mail.ru[94.100.180.104]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 OK id=1rX)
            Mar 23 05:00:01 mx postfix/qmgr[3]: ABCDE12345: removed
            Mar 23 07:00:00 mx postfix/smtpd[5]: ABCDE12345: client=mail.example.net[198.51.100.9]
            Mar 23 07:00:00 mx postfix/qmgr[3]: ABCDE12345: from=<x@example.net>, size=900, nrcpt=1 (queue active)
            Mar 23 07:00:01 mx postfix/virtual[6]: ABCDE12345: to=<bob@example.com>, relay=virtual, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to maildir)
            Mar 23 07:00:01 mx postfix/qmgr[3]: ABCDE12345: removed
            """;
        var h = CorrelationHarness.Run(log);
        Assert.Equal(2, h.Chains.Count);
        var first = h.Chains[0];
        Assert.Equal(OriginKind.Pickup, first.Origin);
        Assert.Equal(33, first.Root.Uid);
        Assert.Contains(first.Root.Notes, n => n.Action == "info" && n.Text.Contains("X-PHP-Originating-Script: 33:wp-cache.php", StringComparison.Ordinal));
        Assert.True(first.IsOutbound);
        Assert.Equal(OriginKind.Smtp, h.Chains[1].Origin);
        Assert.False(h.Chains[1].IsOutbound);
    }

    [Fact]
    public void Messages_cut_by_the_start_or_end_of_the_log_are_kept_and_marked_incomplete()
    {
        var log = """
            Mar 23 05:00:01 mx postfix/smtp[4]: 11111AAAAA: to=<a@example.org>, relay=mx.example.org[192.0.2.25]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 OK)
            Mar 23 05:00:01 mx postfix/qmgr[3]: 11111AAAAA: removed
            Mar 23 05:00:02 mx postfix/smtpd[5]: 22222BBBBB: client=mail.example.net[198.51.100.9]
            Mar 23 05:00:02 mx postfix/qmgr[3]: 22222BBBBB: from=<x@example.net>, size=900, nrcpt=1 (queue active)
            """;
        var h = CorrelationHarness.Run(log);
        Assert.Equal(2, h.Chains.Count);
        Assert.All(h.Chains, c => Assert.True(c.Incomplete));
        Assert.Equal(OriginKind.Unknown, h.Single("11111AAAAA").Origin);
        Assert.Equal(MessageFate.Open, h.Single("22222BBBBB").Root.Fate);
    }

    [Fact]
    public void Xforward_orig_queue_id_links_and_a_remote_queued_as_does_not()
    {
        var log = """
            Mar 23 05:00:00 mx postfix/submission/smtpd[1]: AAAA111111: client=unknown[203.0.113.7]:40000, sasl_method=PLAIN, sasl_username=bob
            Mar 23 05:00:00 mx postfix/qmgr[3]: AAAA111111: from=<bob@example.com>, size=900, nrcpt=1 (queue active)
            Mar 23 05:00:01 mx postfix/smtpd[7]: BBBB222222: client=localhost[127.0.0.1]:33000, orig_queue_id=AAAA111111, orig_client=unknown[203.0.113.7]
            Mar 23 05:00:01 mx postfix/qmgr[3]: BBBB222222: from=<bob@example.com>, size=1200, nrcpt=1 (queue active)
            Mar 23 05:00:01 mx postfix/smtp[4]: AAAA111111: to=<x@example.org>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as BBBB222222)
            Mar 23 05:00:01 mx postfix/qmgr[3]: AAAA111111: removed
            Mar 23 05:00:02 mx postfix/smtp[4]: BBBB222222: to=<x@example.org>, relay=mx.example.org[192.0.2.25]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as CCCC333333)
            Mar 23 05:00:02 mx postfix/qmgr[3]: BBBB222222: removed
            """;
        var h = CorrelationHarness.Run(log);
        var chain = Assert.Single(h.Chains);
        Assert.Equal(2, chain.Hops.Count);
        Assert.Equal("bob", chain.Root.SaslUser);
        Assert.True(chain.IsOutbound);
        Assert.Equal(HopKind.Remote, chain.Last.Recipients.Single().Hop);
        Assert.False(chain.Incomplete);
    }

    [Fact]
    public void Noqueue_rejects_and_sasl_failures_are_session_events()
    {
        var log = """
            Mar 23 05:00:00 mx postfix/smtpd[1]: NOQUEUE: reject: RCPT from unknown[198.51.100.20]: 554 5.7.1 <x@gmail.com>: Relay access denied; from=<a@b.c> to=<x@gmail.com> proto=ESMTP helo=<evil>
            Mar 23 05:00:01 mx postfix/submission/smtpd[2]: warning: unknown[198.51.100.21]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=alice@example.com
            """;
        var h = CorrelationHarness.Run(log);
        Assert.Empty(h.Chains);
        Assert.Equal(2, h.Sessions.Count);
        var reject = h.Sessions[0];
        Assert.Equal(SessionEventKind.Reject, reject.Kind);
        Assert.Equal("198.51.100.20", reject.ClientIp);
        Assert.Contains("Relay access denied", reject.Text);
        var fail = h.Sessions[1];
        Assert.Equal(SessionEventKind.SaslAuthFailed, fail.Kind);
        Assert.Equal("198.51.100.21", fail.ClientIp);
        Assert.Equal("alice@example.com", fail.SaslUser);
        Assert.Equal(1, fail.Count);
    }

    [Fact]
    public void A_repeated_message_line_is_one_session_event_counting_its_repeats()
    {
        var log = """
            Mar 23 05:00:01 mx postfix/submission/smtpd[2]: warning: unknown[198.51.100.21]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=alice@example.com
            Mar 23 05:00:31 mx postfix/submission/smtpd[2]: message repeated 14 times: [ warning: unknown[198.51.100.21]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username=alice@example.com]
            """;
        var h = CorrelationHarness.Run(log);
        Assert.Equal([1, 14], h.Sessions.Select(e => e.Count));
        Assert.All(h.Sessions, e => Assert.Equal("alice@example.com", e.SaslUser));
    }
}

public class StragglerTests
{
    [Fact]
    public void A_bounce_logged_after_removed_still_links_and_starts_no_phantom_message()
    {
        var log = """
            Mar 23 05:01:51 mx postfix/smtpd[100]: 4F2A1C2B3D: client=unknown[203.0.113.7]:51234
            Mar 23 05:01:51 mx postfix/qmgr[102]: 4F2A1C2B3D: from=<alice@example.org>, size=1500, nrcpt=1 (queue active)
            Mar 23 05:01:53 mx postfix/smtp[104]: 4F2A1C2B3D: to=<nobody@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.1.26]:25, delay=2, delays=0.1/0/0.5/1.4, dsn=5.1.1, status=bounced (host gmail-smtp-in.l.google.com[142.250.1.26] said: 550 5.1.1 no such user (in reply to RCPT TO command))
            Mar 23 05:01:53 mx postfix/cleanup[101]: 9C8D7E6F5A: message-id=<20240323050153.9C8D7E6F5A@mx.example.com>
            Mar 23 05:01:53 mx postfix/qmgr[102]: 4F2A1C2B3D: removed
            Mar 23 05:01:53 mx postfix/bounce[105]: 4F2A1C2B3D: sender non-delivery notification: 9C8D7E6F5A
            Mar 23 05:01:53 mx postfix/qmgr[102]: 9C8D7E6F5A: from=<>, size=3000, nrcpt=1 (queue active)
            Mar 23 05:01:54 mx postfix/smtp[106]: 9C8D7E6F5A: to=<alice@example.org>, relay=mx.example.org[192.0.2.25]:25, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (250 OK)
            Mar 23 05:01:54 mx postfix/qmgr[102]: 9C8D7E6F5A: removed
            """;
        var h = CorrelationHarness.Run(log);
        Assert.Equal(2, h.Chains.Count);
        var bounce = h.Single("9C8D7E6F5A");
        Assert.Equal(OriginKind.Notification, bounce.Origin);
        Assert.Equal("4F2A1C2B3D", bounce.CausedBy?.QueueId);
        Assert.False(bounce.Incomplete);
        Assert.True(bounce.IsOutbound);
    }
}

public class CentralLogTests
{
    [Fact]
    public void Hosts_of_a_central_log_keep_their_own_clock_and_key()
    {
        // Host b's clock is weeks ahead (another log concatenated, or a wrong clock): a's open message must not be given up.
        var log = """
            Mar  1 05:00:00 a postfix/smtpd[1]: AAAAA11111: client=mail.example.net[198.51.100.9]
            Mar  1 05:00:00 a postfix/qmgr[3]: AAAAA11111: from=<x@example.net>, size=900, nrcpt=1 (queue active)
            Mar 20 05:00:00 b postfix/smtpd[5]: AAAAA11111: client=other.example.net[198.51.100.10]
            Mar 20 05:00:00 b postfix/qmgr[3]: AAAAA11111: from=<y@example.net>, size=900, nrcpt=1 (queue active)
            Mar 20 05:00:01 b postfix/virtual[6]: AAAAA11111: to=<bob@example.com>, relay=virtual, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to maildir)
            Mar 20 05:00:01 b postfix/qmgr[3]: AAAAA11111: removed
            Mar  1 06:00:01 a postfix/virtual[6]: AAAAA11111: to=<bob@example.com>, relay=virtual, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to maildir)
            Mar  1 06:00:01 a postfix/qmgr[3]: AAAAA11111: removed
            """;
        var h = CorrelationHarness.Run(log);
        Assert.Equal(2, h.Chains.Count);
        Assert.All(h.Chains, c => Assert.False(c.Incomplete));
        Assert.Equal(["a", "b"], h.Chains.Select(c => c.Host).Order());
        Assert.Equal("x@example.net", h.Chains.Single(c => c.Host == "a").Root.Sender);
    }
}

public class StaleXforwardTests
{
    // A filter that keeps XFORWARD attributes across transactions on a cached connection tags the next message
    // with the previous one's queue ID (seen with the lab's filter): Postfix's own "queued as" must win.
    [Fact]
    public void The_parents_queued_as_wins_over_a_stale_orig_queue_id()
    {
        var log = """
            Nov 29 02:34:30 mail postfix/submission/smtpd[1]: 58FFCB20B5A: client=unknown[198.18.94.47]:36089, sasl_method=PLAIN, sasl_username=alice@lab.example
            Nov 29 02:34:30 mail postfix/qmgr[2]: 58FFCB20B5A: from=<alice@lab.example>, size=500, nrcpt=1 (queue active)
            Nov 29 02:34:30 mail postfix/10025/smtpd[3]: 11111B20B60: client=localhost[127.0.0.1], orig_queue_id=58FFCB20B5A, orig_client=unknown[198.18.94.47]
            Nov 29 02:34:30 mail postfix/qmgr[2]: 11111B20B60: from=<alice@lab.example>, size=600, nrcpt=1 (queue active)
            Nov 29 02:34:30 mail postfix/amavis/smtp[4]: 58FFCB20B5A: to=<a@yahoo.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.07, delays=0/0/0/0.05, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as 11111B20B60)
            Nov 29 02:34:30 mail postfix/qmgr[2]: 58FFCB20B5A: removed
            Nov 29 02:34:31 mail postfix/smtp[5]: 11111B20B60: to=<a@yahoo.com>, relay=192.0.2.12[192.0.2.12]:25, delay=1, delays=0/0/0/0, dsn=4.7.1, status=deferred (host 192.0.2.12[192.0.2.12] refused to talk to me: 421 4.7.1 [TS03] All messages from [203.0.113.25] will be permanently deferred)
            Nov 29 02:34:35 mail postfix/pickup[6]: CA7E0B20B92: uid=33 from=<www-data>
            Nov 29 02:34:35 mail postfix/qmgr[2]: CA7E0B20B92: from=<www-data@lab.example>, size=501, nrcpt=1 (queue active)
            Nov 29 02:34:35 mail postfix/10025/smtpd[3]: D916CB20B91: client=localhost[127.0.0.1], orig_queue_id=58FFCB20B5A, orig_client=unknown[198.18.94.47]
            Nov 29 02:34:35 mail postfix/qmgr[2]: D916CB20B91: from=<www-data@lab.example>, size=683, nrcpt=1 (queue active)
            Nov 29 02:34:35 mail postfix/smtp[7]: D916CB20B91: to=<b@live.com>, relay=192.0.2.14[192.0.2.14]:25, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)
            Nov 29 02:34:35 mail amavis[8]: (32546-20) Passed CLEAN {RelayedOutbound}, [198.18.94.47]:36089 [198.18.94.47] <www-data@lab.example> -> <b@live.com>, Queue-ID: 58FFCB20B5A, Message-ID: <x@lab.example>, mail_id: abc, Hits: -, size: 501, queued_as: D916CB20B91, 12 ms
            Nov 29 02:34:35 mail postfix/amavis/smtp[4]: CA7E0B20B92: to=<b@live.com>, relay=127.0.0.1[127.0.0.1]:10024, conn_use=3, delay=0.07, delays=0/0.01/0/0.05, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as D916CB20B91)
            Nov 29 02:34:35 mail postfix/qmgr[2]: CA7E0B20B92: removed
            Nov 29 02:34:35 mail postfix/qmgr[2]: D916CB20B91: removed
            """;
        var h = CorrelationHarness.Run(log);
        var pickup = h.Single("CA7E0B20B92");
        Assert.Equal(["CA7E0B20B92", "D916CB20B91"], pickup.Hops.Select(x => x.QueueId));
        Assert.Equal(OriginKind.Pickup, pickup.Origin);
        Assert.Equal(33, pickup.Root.Uid);
        Assert.True(pickup.IsOutbound);
        var stolen = h.Single("58FFCB20B5A");
        Assert.Equal(["58FFCB20B5A", "11111B20B60"], stolen.Hops.Select(x => x.QueueId));
    }
}
