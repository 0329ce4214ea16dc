using BenchmarkDotNet.Attributes;
using SpamTrace.Bench.LogGen;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Bench;

/// <summary>
/// The reading pipeline on 50 MB of generated log held in memory (no disk): with the real parser or a stub,
/// on one parsing thread or on every core. <c>dotnet run -c Release --project bench/SpamTrace.Bench -- --filter '*Reading*'</c>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class ReadingBenchmarks
{
    private byte[] _log = [];

    [Params(1, 2)]
    public int Workers { get; set; }

    [Params(false, true)]
    public bool RealParser { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var stream = new MemoryStream();
        new PostfixLogGenerator(new GeneratorOptions { TargetBytes = 50_000_000, Seed = 1 }).Write(stream);
        _log = stream.ToArray();
    }

    [Benchmark]
    public long ReadAndParse()
    {
        var input = new LogInput("bench.log", () => LogOpener.Open(new MemoryStream(_log, writable: false), "bench.log"), new DateTime(2025, 1, 2, 0, 0, 0, DateTimeKind.Utc), _log.Length);
        var options = new LogPipelineOptions { Workers = Workers, ParseLine = RealParser ? PostfixLineParser.Parse : Stub };
        return LogPipeline.Run([input], new CountingConsumer(), options).Lines;
    }

    private static bool Stub(ReadOnlySpan<byte> line, ref LogEvent ev) => false;
}
