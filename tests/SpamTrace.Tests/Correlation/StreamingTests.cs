using System.Globalization;
using System.Text;
using SpamTrace.Logs;
using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Correlation;

public class StreamingTests
{
    private sealed class OpenCountProbe : ILogObserver
    {
        public Correlator? Correlator { get; set; }
        public int Chains { get; private set; }
        public int MaxOpen { get; private set; }

        public void OnChain(MessageChain chain)
        {
            Chains++;
            MaxOpen = Math.Max(MaxOpen, Correlator!.OpenMessages);
        }

        public void OnSessionEvent(SessionEvent e)
        {
        }
    }

    /// <summary>Interleaves messages so that about 20 are in flight at any moment, amavis hop included.</summary>
    private static string Log(int messages)
    {
        var sb = new StringBuilder();
        var t = new DateTime(2024, 3, 23, 0, 0, 0);
        for (var i = 0; i < messages; i++)
        {
            // A message's lines spread over the next 20 messages' time.
            var id = (0x100000 + i).ToString("X6", CultureInfo.InvariantCulture) + "AAAA";
            var child = (0x900000 + i).ToString("X6", CultureInfo.InvariantCulture) + "BBBB";
            var ts = t.AddSeconds(i).ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture);
            sb.Append(ts).Append(" mx postfix/submission/smtpd[1]: ").Append(id).Append(": client=unknown[203.0.113.").Append(i % 250).Append("]:4000, sasl_method=PLAIN, sasl_username=u").Append(i % 7).Append('\n');
            sb.Append(ts).Append(" mx postfix/qmgr[3]: ").Append(id).Append(": from=<u@example.com>, size=900, nrcpt=1 (queue active)\n");
            if (i >= 20)
            {
                var old = (0x100000 + i - 20).ToString("X6", CultureInfo.InvariantCulture) + "AAAA";
                var oldChild = (0x900000 + i - 20).ToString("X6", CultureInfo.InvariantCulture) + "BBBB";
                sb.Append(ts).Append(" mx postfix/smtpd[7]: ").Append(oldChild).Append(": client=localhost[127.0.0.1]:33000, orig_queue_id=").Append(old).Append('\n');
                sb.Append(ts).Append(" mx postfix/smtp[4]: ").Append(old).Append(": to=<x@example.org>, relay=127.0.0.1[127.0.0.1]:10024, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as ").Append(oldChild).Append(")\n");
                sb.Append(ts).Append(" mx postfix/qmgr[3]: ").Append(old).Append(": removed\n");
                sb.Append(ts).Append(" mx postfix/smtp[4]: ").Append(oldChild).Append(": to=<x@example.org>, relay=mx.example.org[192.0.2.25]:25, delay=1, delays=0/0/0.5/0.5, dsn=2.0.0, status=sent (250 OK)\n");
                sb.Append(ts).Append(" mx postfix/qmgr[3]: ").Append(oldChild).Append(": removed\n");
            }
            _ = child;
        }
        return sb.ToString();
    }

    [Fact]
    public void Finished_chains_are_passed_on_and_dropped_so_memory_holds_only_open_messages()
    {
        var probe = new OpenCountProbe();
        var correlator = new Correlator(probe, new LogEngineOptions());
        probe.Correlator = correlator;
        var bytes = Encoding.UTF8.GetBytes(Log(20_000));
        var input = new LogInput("gen.log", () => new MemoryStream(bytes), new DateTime(2024, 12, 31));
        var stats = LogPipeline.Run([input], correlator, new LogPipelineOptions { ChunkSize = 64 * 1024, MaxLineLength = 8 * 1024 });

        Assert.Empty(stats.Errors);
        Assert.Equal(20_000, probe.Chains);
        // 20 messages in flight plus their re-injected hops: the table never grows with the log.
        Assert.InRange(probe.MaxOpen, 1, 60);
        Assert.Equal(0, correlator.OpenMessages);
    }
}
