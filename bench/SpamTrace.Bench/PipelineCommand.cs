using System.Diagnostics;
using System.Globalization;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Bench;

/// <summary>
/// <c>SpamTrace.Bench pipeline [--stub] [--workers N] [--chunk BYTES] LOG...</c>: times the reading pipeline alone,
/// with the real parser or with a stub that only clears events (the cost of reading, chunking and hand-off).
/// </summary>
public static class PipelineCommand
{
    public static int Run(string[] args)
    {
        var stub = false;
        var workers = Environment.ProcessorCount;
        var chunk = new LogPipelineOptions().ChunkSize;
        var paths = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--stub": stub = true; break;
                case "--workers": workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--chunk": chunk = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: paths.Add(args[i]); break;
            }
        }
        var (inputs, errors) = LogDiscovery.Resolve(paths);
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error);
        }
        var options = new LogPipelineOptions
        {
            Workers = workers,
            ChunkSize = chunk,
            ParseLine = stub ? StubParse : PostfixLineParser.Parse,
        };
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var statistics = LogPipeline.Run(inputs, new CountingConsumer(), options);
        clock.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(stub ? "stub" : "real")} parser, {workers} workers: {statistics.Bytes / 1e6:F0} MB, {statistics.Lines:N0} lines in {seconds:F2} s = {statistics.Bytes / seconds / 1e6:F0} MB/s; CPU {cpu:F2} s ({cpu / seconds:F2} cores), {statistics.Bytes / cpu / 1e6:F0} MB per CPU-second; peak working set {process.PeakWorkingSet64 / 1e6:F0} MB; unknown {statistics.UnknownLines:N0}"));
        return 0;
    }

    private static bool StubParse(ReadOnlySpan<byte> line, ref LogEvent ev)
    {
        ev.Kind = EventKind.Unknown;
        return false;
    }
}
