using System.Text;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Reading;

public sealed class LogPipelineTests
{
    private static (LogStatistics Statistics, CollectingConsumer Consumer) Run(IReadOnlyList<LogInput> inputs, LogPipelineOptions? options = null)
    {
        var consumer = new CollectingConsumer();
        var statistics = LogPipeline.Run(inputs, consumer, options);
        Assert.True(consumer.Completed);
        return (statistics, consumer);
    }

    private static string RandomLines(Random random, int count)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var length = random.Next(10) == 0 ? random.Next(0, 40) : random.Next(0, 12);
            sb.Append($"L{i}:");
            for (var j = 0; j < length; j++)
            {
                sb.Append((char)('a' + random.Next(26)));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData(40, 16, 3)]
    [InlineData(41, 16, 1000)]
    [InlineData(97, 40, 5)]
    [InlineData(4096, 1024, 64)]
    public void LinesSplitAcrossReadsComeOutWholeWithTinyChunks(int chunkSize, int maxLine, int maxLinesPerChunk)
    {
        var random = new Random(chunkSize * 31 + maxLinesPerChunk);
        var text = RandomLines(random, 3000);
        var options = new LogPipelineOptions { ChunkSize = chunkSize, MaxLineLength = maxLine, MaxLinesPerChunk = maxLinesPerChunk, Workers = 2, PoolSize = 3 };
        var (statistics, consumer) = Run([Inputs.FromText("a", text), Inputs.FromText("b", text)], options);
        var expected = text.Split('\n')[..^1].Select(l => l.Length > maxLine ? l[..maxLine] : l).ToList();
        Assert.Equal(expected.Concat(expected), consumer.Texts);
        Assert.Equal(Enumerable.Range(1, 3000).Select(i => (long)i), consumer.Lines.Where(l => l.Path == "a").Select(l => l.LineNumber));
        Assert.Equal(Enumerable.Range(1, 3000).Select(i => (long)i), consumer.Lines.Where(l => l.Path == "b").Select(l => l.LineNumber));
        Assert.Equal(6000, statistics.Lines);
        var longLines = text.Split('\n')[..^1].Count(l => l.Length > maxLine);
        Assert.Equal(2L * longLines, statistics.TruncatedLines);
        Assert.True(statistics.Bytes <= 2L * Encoding.UTF8.GetByteCount(text));
    }

    [Fact]
    public void OneMegabyteLinesAreTruncatedCountedAndDoNotDisturbTheirNeighbours()
    {
        var huge = new string('x', 1024 * 1024);
        var text = $"before\n{huge}\nmiddle\n{huge}{huge}\nafter\n";
        var (statistics, consumer) = Run([Inputs.FromText("h", text)], new LogPipelineOptions { ChunkSize = 256 * 1024, MaxLineLength = TextRange.MaxLineLength });
        Assert.Equal(["before", huge[..TextRange.MaxLineLength], "middle", huge[..TextRange.MaxLineLength], "after"], consumer.Texts);
        Assert.Equal(2, statistics.TruncatedLines);
        Assert.Equal([1L, 2, 3, 4, 5], consumer.Lines.Select(l => l.LineNumber));
    }

    [Fact]
    public void AFileWithoutAnyNewlineIsOneTruncatedLine()
    {
        var text = new string('y', 3 * 1024 * 1024);
        var (statistics, consumer) = Run([Inputs.FromText("n", text)], new LogPipelineOptions { ChunkSize = 1024 * 1024, MaxLineLength = TextRange.MaxLineLength });
        Assert.Equal([text[..TextRange.MaxLineLength]], consumer.Texts);
        Assert.Equal(1, statistics.TruncatedLines);
    }

    [Fact]
    public void TheLastLineWithoutNewlineIsKept()
    {
        var (_, consumer) = Run([Inputs.FromText("a", "one\ntwo"), Inputs.FromText("b", "three")]);
        Assert.Equal(["one", "two", "three"], consumer.Texts);
    }

    [Fact]
    public void CarriageReturnsBeforeNewlinesAreStripped()
    {
        var (statistics, consumer) = Run([Inputs.FromText("crlf", "dos\r\nunix\nmac\r\r\nlast\r")]);
        Assert.Equal(["dos", "unix", "mac\r", "last"], consumer.Texts);
        Assert.Equal(4, statistics.Lines);
    }

    [Fact]
    public void EmptyInputsAreReadAndYieldNothing()
    {
        var (statistics, consumer) = Run([Inputs.FromText("empty", ""), Inputs.FromText("x", "line\n")]);
        Assert.Equal(["empty", "x"], statistics.InputsRead);
        Assert.Equal(["line"], consumer.Texts);
    }

    [Fact]
    public void ChunksAreHandedOnInOrderWhateverOrderTheWorkersFinishIn()
    {
        var text = string.Concat(Enumerable.Range(1, 20000).Select(i => $"line {i}\n"));
        var random = new ThreadLocal<Random>(() => new Random(Environment.CurrentManagedThreadId));
        var options = new LogPipelineOptions
        {
            ChunkSize = 4096,
            MaxLineLength = 512,
            Workers = 4,
            PoolSize = 9,
            ParseLine = (ReadOnlySpan<byte> line, ref LogEvent ev) =>
            {
                // Uneven work so that later chunks often finish first.
                if (line.EndsWith("00"u8))
                {
                    Thread.Sleep(random.Value!.Next(3));
                }
                ev.Kind = EventKind.Ignored;
                return true;
            },
        };
        var (statistics, consumer) = Run([Inputs.FromText("a", text), Inputs.FromText("b", text)], options);
        var expected = Enumerable.Range(1, 20000).Select(i => $"line {i}").ToList();
        Assert.Equal(expected.Concat(expected), consumer.Texts);
        Assert.Equal(Enumerable.Range(0, consumer.Sequences.Count).Select(i => (long)i), consumer.Sequences);
        Assert.Equal(40000, statistics.ByKind[(int)EventKind.Ignored]);
    }

    [Fact]
    public void ThePoolIsFixedWhateverTheInputSize()
    {
        var text = string.Concat(Enumerable.Range(1, 100000).Select(i => $"line {i}\n"));
        var consumer = new PoolProbe();
        LogPipeline.Run([Inputs.FromText("a", text)], consumer, new LogPipelineOptions { ChunkSize = 8192, MaxLineLength = 1024, PoolSize = 5 });
        Assert.True(consumer.Chunks > 50);
        Assert.True(consumer.DistinctChunks <= 5, $"{consumer.DistinctChunks} chunk objects seen");
    }

    private sealed class PoolProbe : IChunkConsumer
    {
        private readonly HashSet<LogChunk> _seen = new(ReferenceEqualityComparer.Instance);
        public int Chunks { get; private set; }
        public int DistinctChunks => _seen.Count;

        public void Consume(LogChunk chunk)
        {
            Chunks++;
            _seen.Add(chunk);
        }

        public void Complete()
        {
        }
    }

    [Fact]
    public void ParserExceptionsCountTheLineUnknownAndReadingGoesOn()
    {
        var options = new LogPipelineOptions
        {
            ParseLine = (ReadOnlySpan<byte> line, ref LogEvent ev) =>
            {
                if (line.SequenceEqual("boom"u8))
                {
                    throw new InvalidOperationException("parser bug");
                }
                ev.Kind = EventKind.Ignored;
                return true;
            },
        };
        var (statistics, consumer) = Run([Inputs.FromText("a", "ok\nboom\nok\n")], options);
        Assert.Equal(1, statistics.UnknownLines);
        Assert.Equal(("a", 2L, "boom"), (statistics.UnknownSamples[0].Path, statistics.UnknownSamples[0].LineNumber, statistics.UnknownSamples[0].Text));
        Assert.Equal(3, consumer.Lines.Count);
    }

    [Fact]
    public void UnknownSamplesAreCappedAndCarryPathAndLine()
    {
        var text = string.Concat(Enumerable.Range(1, 500).Select(i => $"garbage {i}\n"));
        var (statistics, _) = Run([Inputs.FromText("g.log", text)]);
        Assert.Equal(500, statistics.UnknownLines);
        Assert.Equal(LogStatistics.MaxUnknownSamples, statistics.UnknownSamples.Count);
        Assert.Equal(new UnknownLineSample("g.log", 7, "garbage 7"), statistics.UnknownSamples[6]);
    }

    [Fact]
    public void AnInputThatCannotBeOpenedIsAnErrorAndTheOthersAreRead()
    {
        var broken = new LogInput("/nowhere/maillog", () => throw new FileNotFoundException("gone", "/nowhere/maillog"), null);
        var (statistics, consumer) = Run([broken, Inputs.FromText("ok", "fine\n")]);
        Assert.Equal(["fine"], consumer.Texts);
        Assert.Equal("/nowhere/maillog: no such file", Assert.Single(statistics.Errors).ToString());
    }

    [Fact]
    public void ProgressReportsStoredBytesUpToTheTotal()
    {
        var text = string.Concat(Enumerable.Range(1, 50000).Select(i => $"line {i}\n"));
        var reports = new List<(long Read, long? Total)>();
        var options = new LogPipelineOptions { ChunkSize = 16384, MaxLineLength = 1024, Progress = (read, total) => reports.Add((read, total)) };
        Run([Inputs.FromText("a", text), Inputs.FromText("b", text)], options);
        var size = 2L * Encoding.UTF8.GetByteCount(text);
        Assert.True(reports.Count > 10);
        Assert.All(reports, r => Assert.Equal(size, r.Total));
        Assert.Equal(size, reports[^1].Read);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.First.Read <= p.Second.Read));
    }

    [Fact]
    public void CancellationStopsTheRun()
    {
        var text = string.Concat(Enumerable.Range(1, 200000).Select(i => $"line {i}\n"));
        using var cts = new CancellationTokenSource();
        var consumer = new CancelAfter(cts, 3);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            LogPipeline.Run([Inputs.FromText("a", text)], consumer, new LogPipelineOptions { ChunkSize = 8192, MaxLineLength = 1024 }, cts.Token));
        Assert.False(consumer.Completed);
    }

    private sealed class CancelAfter(CancellationTokenSource cts, int chunks) : IChunkConsumer
    {
        private int _seen;
        public bool Completed { get; private set; }

        public void Consume(LogChunk chunk)
        {
            if (++_seen == chunks)
            {
                cts.Cancel();
            }
        }

        public void Complete() => Completed = true;
    }

    [Fact]
    public void AConsumerExceptionReachesTheCaller()
    {
        var consumer = new Throwing();
        var ex = Assert.Throws<InvalidOperationException>(() => LogPipeline.Run([Inputs.FromText("a", "x\ny\n")], consumer));
        Assert.Equal("consumer failed", ex.Message);
    }

    private sealed class Throwing : IChunkConsumer
    {
        public void Consume(LogChunk chunk) => throw new InvalidOperationException("consumer failed");

        public void Complete()
        {
        }
    }
}
