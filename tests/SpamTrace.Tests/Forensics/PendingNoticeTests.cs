using System.Globalization;
using System.Text;
using SpamTrace.Forensics;
using SpamTrace.Logs;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;
using SpamTrace.ServerKnowledge;

namespace SpamTrace.Tests.Forensics;

/// <summary>
/// Backscatter through the lab's content filter, line for line as the lab Postfix logs it: an Internet client's mail
/// to an unknown user of the relay domain legacy.example passes amavis, the re-injected copy bounces at the backend,
/// and the bounce daemon's notice goes to the forged sender. Whether the notice is delivered before or after the
/// cause's first hop is removed depends on timing: the verdict must not.
/// </summary>
public class PendingNoticeTests
{
    private static readonly string[] Clients = ["198.19.87.184", "198.19.172.136", "198.19.180.116", "198.19.44.2"];

    private static string Log(bool noticeFirst)
    {
        var log = new StringBuilder();
        var time = new DateTime(2026, 11, 29, 4, 24, 5, DateTimeKind.Utc);
        var pid = 7000;
        void Line(string program, string text) =>
            log.Append(CultureInfo.InvariantCulture, $"{time:MMM dd HH:mm:ss} mail postfix/{program}[{pid++}]: {text}\n");
        for (var i = 0; i < Clients.Length; i++)
        {
            var ip = Clients[i];
            var parent = $"B{i:X2}0051C3DA";
            var child = $"C{i:X2}0051C3D9";
            var notice = $"D{i:X2}0051C3EF";
            var forged = $"order.photos{i}@forged{i % 2}.example";
            var to = $"nosuchuser.{i}@legacy.example";
            Line("smtpd", $"connect from unknown[{ip}]");
            Line("smtpd", $"{parent}: client=unknown[{ip}]");
            Line("cleanup", $"{parent}: message-id=<m{i}@forged.example>");
            Line("qmgr", $"{parent}: from=<{forged}>, size=565, nrcpt=1 (queue active)");
            Line("10025/smtpd", $"{child}: client=localhost[127.0.0.1], orig_queue_id={parent}, orig_client=unknown[{ip}]");
            Line("cleanup", $"{child}: message-id=<m{i}@forged.example>");
            Line("qmgr", $"{child}: from=<{forged}>, size=755, nrcpt=1 (queue active)");
            Line("amavis/smtp", $"{parent}: to=<{to}>, relay=127.0.0.1[127.0.0.1]:10024, delay=0.07, delays=0.01/0.01/0/0.05, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as {child})");
            if (!noticeFirst)
            {
                Line("qmgr", $"{parent}: removed");
            }
            Line("smtp", $"{child}: to=<{to}>, relay=192.0.2.11[192.0.2.11]:25, delay=0.01, delays=0/0/0/0.01, dsn=5.1.1, status=bounced (host 192.0.2.11[192.0.2.11] said: 550 5.1.1 The email account that you tried to reach does not exist. (in reply to RCPT TO command))");
            Line("cleanup", $"{notice}: message-id=<20261129042422.{notice}@mail.lab.example>");
            Line("bounce", $"{child}: sender non-delivery notification: {notice}");
            Line("qmgr", $"{notice}: from=<>, size=3080, nrcpt=1 (queue active)");
            Line("smtp", $"{notice}: to=<{forged}>, relay=192.0.2.10[192.0.2.10]:25, delay=0, delays=0/0/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)");
            Line("qmgr", $"{notice}: removed");
            Line("qmgr", $"{child}: removed");
            if (noticeFirst)
            {
                Line("qmgr", $"{parent}: removed");
            }
            time = time.AddSeconds(3);
        }
        return log.ToString();
    }

    private static (DiagnoseObserver Observer, Diagnosis Diagnosis) Diagnose(string text)
    {
        var path = Path.Combine(Path.GetTempPath(), $"spamtrace-pending-{Guid.NewGuid():N}.log");
        File.WriteAllText(path, text);
        try
        {
            var (inputs, errors) = LogDiscovery.Resolve([path]);
            Assert.Empty(errors);
            var server = new ServerFacts("test");
            server.AddDomain("lab.example", "virtual_mailbox_domains");
            server.AddDomain("legacy.example", "relay_domains");
            var observer = new DiagnoseObserver(UidNames.None, server);
            LogEngine.Run(inputs, observer, new LogEngineOptions(), default);
            return (observer, DiagnoseService.Finish(observer, null));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Notices_are_credited_to_the_injecting_clients_whichever_chain_finishes_first(bool noticeFirst)
    {
        var (observer, diagnosis) = Diagnose(Log(noticeFirst));
        var causes = observer.Origins[new OriginId(CulpritKind.Bounce, "")].CausedBy.Counts;
        Assert.DoesNotContain(DiagnoseObserver.UnknownCause, causes.Keys);
        Assert.Equal(Clients.Select(c => $"relay:{c}").Order(), causes.Keys.Order());
        var culprit = Assert.Single(diagnosis.Culprits);
        Assert.Equal(CulpritKind.Bounce, culprit.Id.Kind);
    }

    [Fact]
    public void At_the_cap_the_oldest_waiting_notice_ends_as_an_unknown_cause()
    {
        var f = new ChainFactory();
        var o = new DiagnoseObserver(UidNames.None) { PendingNoticesCap = 1 };
        var start = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
        var first = f.Relay(start, "203.0.113.1", "x@forged.example", ["a1@remote.example"], DeliveryStatus.Bounced, "5.1.1", "550 5.1.1 User unknown");
        var second = f.Relay(start, "203.0.113.2", "x@forged.example", ["a2@remote.example"], DeliveryStatus.Bounced, "5.1.1", "550 5.1.1 User unknown");
        o.OnChain(f.Bounce(start.AddMinutes(1), "x@forged.example", causedBy: first.Root.QueueId));
        o.OnChain(f.Bounce(start.AddMinutes(1), "y@forged.example", causedBy: second.Root.QueueId));
        o.OnChain(first);
        o.OnChain(second);
        o.SettlePendingNotices();
        var counts = o.Origins[new OriginId(CulpritKind.Bounce, "")].CausedBy.Counts;
        Assert.Equal(1, counts[DiagnoseObserver.UnknownCause]);
        Assert.Equal(1, counts["relay:203.0.113.2"]);
        Assert.False(counts.ContainsKey("relay:203.0.113.1"));
    }
}
