using System.Text;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Parsing;

public class AllocationTests
{
    [Fact]
    public void Parsing_allocates_nothing_per_line()
    {
        // Every family of line, so every payload parser's hot path is exercised.
        var lines = new[]
        {
            "Mar 23 05:01:52 mx1 postfix/smtpd[1]: connect from mail.example.com[192.0.2.10]",
            "Mar 23 05:01:52 mx1 postfix/smtpd[1]: 4Qd1x35vB7z1Yqg: client=unknown[198.51.100.7]:51234, sasl_method=LOGIN, sasl_username=info@example.com",
            "Mar 23 05:01:52 mx1 postfix/smtpd[1]: NOQUEUE: reject: RCPT from x[1.2.3.4]: 554 5.7.1 <s@e.com>: Relay access denied; from=<j@e.com> to=<s@e.org> proto=SMTP helo=<h>",
            "Mar 23 05:01:52 mx1 postfix/smtpd[1]: warning: unknown[192.0.2.5]: SASL LOGIN authentication failed: UGFzc3dvcmQ6",
            "Mar 23 05:01:52 mx1 postfix/smtpd[1]: disconnect from x[192.0.2.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5",
            "Mar 23 05:01:52 mx1 postfix/pickup[1]: D2FAE20586: uid=33 from=<www-data>",
            "Mar 23 05:01:52 mx1 postfix/cleanup[1]: 0F5383D: message-id=<544D2523.30609@rhsoft.net>",
            "Mar 23 05:01:52 mx1 postfix/cleanup[1]: 3B1F6C0A2D: info: header X-PHP-Originating-Script: 33:wp-cache.php from local; from=<w@h> to=<v@e>",
            "Mar 23 05:01:52 mx1 postfix/qmgr[1]: 0F5383D: from=<o@postfix.org>, size=5360, nrcpt=1 (queue active)",
            "Mar 23 05:01:52 mx1 postfix/qmgr[1]: 0F5383D: removed",
            "2024-11-29T00:39:18.123456+01:00 mx1 postfix/smtp[1]: 7EE668039: to=<a@e.com>, relay=127.0.0.1[127.0.0.1]:10024, delay=3.6, delays=0.2/0.02/0.04/3.3, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 153053D)",
            "Mar 23 05:01:52 mx1 postfix/smtp[1]: ED59C3D: host m.example.com[1.74.253.23] said: 450 4.7.1 Greylisted (in reply to RCPT TO command)",
            "Mar 23 05:01:52 mx1 postfix/bounce[1]: 17CCA8044: sender non-delivery notification: ADD2F8052",
            "Mar 23 05:01:52 mx1 postfix/postsuper[1]: D4F2023DB: placed on hold",
            "Mar 23 05:01:52 mx1 postfix/anvil[1]: statistics: max connection rate 1/60s for (smtpd:61.238.241.86) at Oct 26 18:13:50",
            "Mar 23 05:01:52 mx1 postfix/postscreen[1]: PASS NEW [2607:f8b0:4003:c01::23a]:36051",
            "Nov 29 00:39:18 mx amavis[1]: (02345-07) Passed CLEAN {RelayedOutbound}, [192.0.2.77]:50432 [192.0.2.77] <i@e.com> -> <a@e.net>, Queue-ID: 4Qd1x35vB7z1Yqg, Message-ID: <x@e.com>, queued_as: 4Qd1x37pQ9z1Yqh, 812 ms",
            "Nov 29 00:39:18 mx dovecot: imap-login: Login: user=<bob@example.com>, method=PLAIN, rip=192.0.2.9, lip=192.0.2.1",
            "Nov 29 00:39:18 mx sshd[811]: Accepted publickey for root from 192.0.2.1 port 22 ssh2",
            "garbage without an envelope",
        }.Select(Encoding.UTF8.GetBytes).ToArray();

        var ev = default(LogEvent);
        int recognised = 0;
        foreach (var line in lines)
        {
            ev.Clear();
            PostfixLineParser.Parse(line, ref ev); // warm up (JIT, static data)
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200_000; i++)
        {
            ev.Clear();
            PostfixLineParser.Parse(lines[i % lines.Length], ref ev);
            if (ev.Kind is not (EventKind.Unknown or EventKind.Ignored))
            {
                recognised++;
            }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(200_000 / lines.Length * (lines.Length - 1), recognised);
    }
}
