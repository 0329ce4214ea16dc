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
        var consumer = new ThreadTimesConsumer();
        var statistics = LogPipeline.Run(inputs, consumer, options);
        clock.Stop();
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(stub ? "stub" : "real")} parser, {workers} workers: {statistics.Bytes / 1e6:F0} MB, {statistics.Lines:N0} lines in {seconds:F2} s = {statistics.Bytes / seconds / 1e6:F0} MB/s; CPU {cpu:F2} s ({cpu / seconds:F2} cores), {statistics.Bytes / cpu / 1e6:F0} MB per CPU-second; peak working set {process.PeakWorkingSet64 / 1e6:F0} MB; unknown {statistics.UnknownLines:N0}"));
        Console.WriteLine("CPU per thread at the end: " + consumer.ThreadTimes);
        return 0;
    }

    /// <summary>Reads every thread's CPU time from /proc when the run completes (the pipeline threads are still alive then).</summary>
    private sealed class ThreadTimesConsumer : IChunkConsumer
    {
        public string ThreadTimes { get; private set; } = "";

        public void Consume(LogChunk chunk)
        {
        }

        public void Complete()
        {
            var parts = new List<string>();
            foreach (var task in Directory.GetDirectories("/proc/self/task"))
            {
                string stat;
                try
                {
                    stat = File.ReadAllText(Path.Combine(task, "stat"));
                }
                catch (IOException)
                {
                    continue; // the thread ended meanwhile
                }
                var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                if (ticks > 0)
                {
                    parts.Add($"{name}={ticks / 100.0:F2}s");
                }
            }
            ThreadTimes = string.Join(", ", parts);
        }
    }

    private static bool StubParse(ReadOnlySpan<byte> line, ref LogEvent ev)
    {
        ev.Kind = EventKind.Unknown;
        return false;
    }
}
