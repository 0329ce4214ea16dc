using SpamTrace.Logs.Query;

namespace SpamTrace.Tests.Correlation;

public class QueryTests
{
    private const string Log = """
        Mar 23 05:01:51 mx postfix/submission/smtpd[100]: 4F2A1C2B3D: client=unknown[203.0.113.7]:51234, sasl_method=LOGIN, sasl_username=alice@example.com
        Mar 23 05:01:51 mx postfix/cleanup[101]: 4F2A1C2B3D: message-id=<spam1@example.com>
        Mar 23 05:01:51 mx postfix/qmgr[102]: 4F2A1C2B3D: from=<alice@example.com>, size=1500, nrcpt=1 (queue active)
        Mar 23 05:01:53 mx postfix/smtp[104]: 4F2A1C2B3D: to=<nobody@gmail.com>, relay=gmail-smtp-in.l.google.com[142.250.1.26]:25, delay=2, delays=0.1/0/0.5/1.4, dsn=5.1.1, status=bounced (host gmail-smtp-in.l.google.com[142.250.1.26] said: 550 5.1.1 no such user (in reply to RCPT TO command))
        Mar 23 05:01:53 mx postfix/cleanup[101]: 9C8D7E6F5A: message-id=<20240323050153.9C8D7E6F5A@mx.example.com>
        Mar 23 05:01:53 mx postfix/bounce[105]: 4F2A1C2B3D: sender non-delivery notification: 9C8D7E6F5A
        Mar 23 05:01:53 mx postfix/qmgr[102]: 4F2A1C2B3D: removed
        Mar 23 05:01:53 mx postfix/qmgr[102]: 9C8D7E6F5A: from=<>, size=3000, nrcpt=1 (queue active)
        Mar 23 05:01:54 mx postfix/virtual[106]: 9C8D7E6F5A: to=<alice@example.com>, relay=virtual, delay=0.1, delays=0/0/0/0.1, dsn=2.0.0, status=sent (delivered to maildir)
        Mar 23 05:01:54 mx postfix/qmgr[102]: 9C8D7E6F5A: removed
        Mar 23 06:00:00 mx postfix/smtpd[5]: 7777777777: client=mail.example.net[198.51.100.9]
        Mar 23 06:00:00 mx postfix/qmgr[3]: 7777777777: from=<x@example.net>, size=900, nrcpt=1 (queue active)
        Mar 23 06:00:01 mx postfix/virtual[6]: 7777777777: to=<bob@example.com>, relay=virtual, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to maildir)
        Mar 23 06:00:01 mx postfix/qmgr[3]: 7777777777: removed
        """;

    [Theory]
    [InlineData("4F2A1C2B3D", new[] { "4F2A1C2B3D", "9C8D7E6F5A" })]
    [InlineData("<spam1@example.com>", new[] { "4F2A1C2B3D", "9C8D7E6F5A" })]
    [InlineData("spam1@example.com", new[] { "4F2A1C2B3D", "9C8D7E6F5A" })]
    [InlineData("ALICE@example.com", new[] { "4F2A1C2B3D", "9C8D7E6F5A" })]
    [InlineData("203.0.113.7", new[] { "4F2A1C2B3D", "9C8D7E6F5A" })]
    [InlineData("bob@example.com", new[] { "7777777777" })]
    [InlineData("198.51.100.9", new[] { "7777777777" })]
    [InlineData("nobody", new string[0])]
    public void Trace_query_finds_the_message_and_the_bounce_it_caused(string query, string[] expectedRoots)
    {
        var h = CorrelationHarness.Run(Log);
        var found = new List<string>();
        var collector = new TraceCollector(ChainQuery.Parse(query), c => found.Add(c.Root.QueueId));
        foreach (var chain in h.Chains)
        {
            collector.OnChain(chain);
        }
        Assert.Equal(expectedRoots, found);
    }

    [Theory]
    [InlineData("4F2A1C2B3D", true)]
    [InlineData("3Tcdh60sZ2z9vCr", true)]
    [InlineData("alice", false)]
    [InlineData("ABC", false)]
    public void Queue_ids_short_and_long_are_recognised(string text, bool expected) =>
        Assert.Equal(expected, ChainQuery.LooksLikeQueueId(text));
}
