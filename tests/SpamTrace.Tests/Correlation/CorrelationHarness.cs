using System.Text;
using SpamTrace.Logs;
using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Correlation;

/// <summary>Runs log lines through the real parser and the correlator, one line per chunk boundary choice.</summary>
internal sealed class CorrelationHarness : ILogObserver
{
    public List<MessageChain> Chains { get; } = [];
    public List<SessionEvent> Sessions { get; } = [];

    public void OnChain(MessageChain chain) => Chains.Add(chain);

    public void OnSessionEvent(SessionEvent e) => Sessions.Add(e);

    public static CorrelationHarness Run(string log, LogEngineOptions? options = null, int linesPerChunk = 3)
    {
        var harness = new CorrelationHarness();
        var correlator = new Correlator(harness, options ?? new LogEngineOptions { KeepLines = true });
        var input = new LogInput("test.log", () => new MemoryStream(Encoding.UTF8.GetBytes(log)), new DateTime(2024, 12, 31));
        var lines = log.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        long lineNo = 0;
        foreach (var batch in lines.Chunk(linesPerChunk))
        {
            var bytes = new List<byte>();
            var chunk = new LogChunk(1 << 16, batch.Length) { Input = input };
            var count = 0;
            foreach (var text in batch)
            {
                var start = bytes.Count;
                var lineBytes = Encoding.UTF8.GetBytes(text);
                bytes.AddRange(lineBytes);
                bytes.Add((byte)'\n');
                ref var ev = ref chunk.Events[count++];
                ev.Clear();
                ev.LineStart = start;
                ev.LineLength = lineBytes.Length;
                ev.LineNumber = ++lineNo;
                PostfixLineParser.Parse(lineBytes, ref ev);
                ev.Time.ResolveYear(2024);
            }
            bytes.CopyTo(chunk.Buffer);
            chunk.Length = bytes.Count;
            chunk.EventCount = count;
            correlator.Consume(chunk);
        }
        correlator.Complete();
        return harness;
    }

    public MessageChain Single(string queueId) => Chains.Single(c => c.Hops.Any(h => h.QueueId == queueId));
}
