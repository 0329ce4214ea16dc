using System.Text;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Reading;

public sealed class JournalJsonTests
{
    private static List<string> Transcode(string json)
    {
        var consumer = new CollectingConsumer();
        var statistics = LogPipeline.Run([Inputs.FromText("journal.json", json)], consumer);
        Assert.Empty(statistics.Errors);
        return consumer.Texts;
    }

    [Fact]
    public void JournalRecordsBecomeRfc3339SyslogLines()
    {
        // 1711170112123456 us = 2024-03-23T05:01:52.123456Z
        var json =
            """{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1711170112123456","_HOSTNAME":"mx1","SYSLOG_IDENTIFIER":"postfix/smtpd","_PID":"4242","MESSAGE":"connect from unknown[203.0.113.9]","PRIORITY":"6","_SYSTEMD_UNIT":"postfix@-.service"}""" + "\n" +
            """{"__REALTIME_TIMESTAMP":"1711170113000000","_HOSTNAME":"mx1","SYSLOG_IDENTIFIER":"dovecot","MESSAGE":"auth: \"quoted\" \u00e9"}""" + "\n";
        Assert.Equal(
            [
                "2024-03-23T05:01:52.123456+00:00 mx1 postfix/smtpd[4242]: connect from unknown[203.0.113.9]",
                "2024-03-23T05:01:53.000000+00:00 mx1 dovecot: auth: \"quoted\" \u00e9",
            ],
            Transcode(json));
    }

    [Fact]
    public void ByteArrayMessagesAndMultilineMessagesStayOneLine()
    {
        var bytes = string.Join(",", Encoding.Latin1.GetBytes("bad \xe9 byte\nsecond").Select(b => b.ToString()));
        var json = $$"""{"__REALTIME_TIMESTAMP":"0","_HOSTNAME":"h","SYSLOG_IDENTIFIER":"postfix/cleanup","_PID":"1","MESSAGE":[{{bytes}}]}""" + "\n";
        var line = Assert.Single(Transcode(json));
        Assert.StartsWith("1970-01-01T00:00:00.000000+00:00 h postfix/cleanup[1]: bad ", line);
        Assert.EndsWith(" byte second", line);
    }

    [Fact]
    public void NonJsonLinesInAnExportArePassedOnForTheParserToCount()
    {
        var json = """{"__REALTIME_TIMESTAMP":"1711170112000000","_HOSTNAME":"h","SYSLOG_IDENTIFIER":"x","MESSAGE":"ok"}""" + "\n-- cut here --\n";
        Assert.Equal(["2024-03-23T05:01:52.000000+00:00 h x: ok", "-- cut here --"], Transcode(json));
    }

    [Fact]
    public void PlainSyslogIsNotMistakenForJournal()
    {
        const string text = "Mar 23 05:01:52 mx postfix/qmgr[1]: ABC: removed\n";
        Assert.Equal(["Mar 23 05:01:52 mx postfix/qmgr[1]: ABC: removed"], Transcode(text));
        Assert.False(JournalJsonTranscoder.LooksLikeJournalJson("{\"some\":\"json\"}"u8));
    }

    [Fact]
    public void LargeExportsStreamThroughInOrder()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 20000; i++)
        {
            sb.Append($$"""{"__REALTIME_TIMESTAMP":"{{1711170112000000L + (i * 1000000L)}}","_HOSTNAME":"h","SYSLOG_IDENTIFIER":"postfix/qmgr","_PID":"7","MESSAGE":"Q{{i}}: removed"}""").Append('\n');
        }
        var lines = Transcode(sb.ToString());
        Assert.Equal(20000, lines.Count);
        Assert.EndsWith("Q19999: removed", lines[^1]);
        Assert.Equal(Enumerable.Range(1, 20000).Select(i => (long)i), new CollectingConsumerProbe(sb.ToString()).LineNumbers());
    }

    private sealed class CollectingConsumerProbe(string json)
    {
        public IEnumerable<long> LineNumbers()
        {
            var consumer = new CollectingConsumer();
            LogPipeline.Run([Inputs.FromText("j", json)], consumer);
            return consumer.Lines.Select(l => l.LineNumber);
        }
    }
}
