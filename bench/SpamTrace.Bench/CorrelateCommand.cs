using System.Diagnostics;
using System.Globalization;
using SpamTrace.Logs;
using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Bench;

/// <summary>
/// <c>SpamTrace.Bench correlate [--mb N] [--rounds R] LOG</c>: parses the first N MB of a log into memory once, then
/// times the correlator alone over those parsed chunks R times, on one thread. Without the parsing threads competing
/// for the cores, the minimum over rounds is a steady figure for comparing correlator changes on a noisy machine.
/// <c>--observer diagnose</c> runs diagnose's observer inline after each chain, so the difference between the two
/// runs is what diagnose's analysis costs on top of correlation.
/// </summary>
public static class CorrelateCommand
{
    public static int Run(string[] args)
    {
        var megabytes = 200;
        var rounds = 7;
        var observerName = "count";
        var paths = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--mb": megabytes = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--observer": observerName = args[++i]; break;
                default: paths.Add(args[i]); break;
            }
        }
        var (inputs, _) = LogDiscovery.Resolve(paths);
        var keep = new KeepChunks(megabytes * 1_000_000L);
        var statistics = LogPipeline.Run(inputs, keep, LogEngine.PipelineOptions());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"parsed {keep.Bytes / 1e6:F0} MB, {keep.Lines:N0} lines in {keep.Chunks.Count} chunks (of {statistics.Bytes / 1e6:F0} MB read); {System.Runtime.CompilerServices.Unsafe.SizeOf<SpamTrace.Logs.Parsing.LogEvent>()} bytes per event"));
        var times = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            var counter = new Counter(observerName switch
            {
                "count" => null,
                "diagnose" => new SpamTrace.Forensics.DiagnoseObserver(SpamTrace.Forensics.UidNames.None),
                _ => throw new ArgumentException($"unknown observer '{observerName}' (count, diagnose)"),
            });
            var correlator = new Correlator(counter, new LogEngineOptions());
            GC.Collect(2, GCCollectionMode.Forced, true, true);
            var clock = Stopwatch.StartNew();
            var segments = new List<string>();
            long bytes = 0, nextMark = 100_000_000;
            var gen2 = GC.CollectionCount(2);
            var paused = GC.GetTotalPauseDuration();
            var allocated = GC.GetTotalAllocatedBytes(precise: false);
            var lastMark = TimeSpan.Zero;
            var lastPause = GC.GetTotalPauseDuration();
            foreach (var chunk in keep.Chunks)
            {
                correlator.Consume(chunk);
                bytes += chunk.Length;
                if (bytes >= nextMark)
                {
                    var pause = GC.GetTotalPauseDuration();
                    segments.Add(string.Create(CultureInfo.InvariantCulture, $"{(clock.Elapsed - lastMark).TotalMilliseconds:F0}ms(gc {(pause - lastPause).TotalMilliseconds:F0})/{correlator.OpenMessages}open"));
                    lastPause = pause;
                    lastMark = clock.Elapsed;
                    nextMark += 100_000_000;
                }
            }
            correlator.Complete();
            clock.Stop();
            times.Add(clock.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {r + 1}: {clock.Elapsed.TotalSeconds:F3} s, {keep.Lines / clock.Elapsed.TotalSeconds / 1e6:F2} M lines/s, {counter.Chains:N0} chains, {GC.CollectionCount(2) - gen2} gen2 collections, {(GC.GetTotalPauseDuration() - paused).TotalSeconds:F3} s paused in GC, {(GC.GetTotalAllocatedBytes(precise: false) - allocated) / 1e6:F0} MB allocated"));
            Console.WriteLine("    per 100 MB: " + string.Join(" ", segments));
        }
        var best = times.Min();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"correlator best of {rounds}: {best:F3} s = {keep.Bytes / best / 1e6:F0} MB/s, {best * 1e9 / keep.Lines:F0} ns per line"));
        return 0;
    }

    private sealed class Counter(ILogObserver? inner) : ILogObserver
    {
        public long Chains;

        public void OnChain(MessageChain chain)
        {
            Chains++;
            inner?.OnChain(chain);
        }

        public void OnSessionEvent(SessionEvent e) => inner?.OnSessionEvent(e);
    }

    /// <summary>Copies parsed chunks out of the pipeline's pool until the byte budget is reached.</summary>
    private sealed class KeepChunks(long budget) : IChunkConsumer
    {
        public List<LogChunk> Chunks { get; } = [];
        public long Bytes { get; private set; }
        public long Lines { get; private set; }

        public void Consume(LogChunk chunk)
        {
            if (Bytes >= budget)
            {
                return;
            }
            var copy = new LogChunk(chunk.Length, chunk.EventCount)
            {
                Input = chunk.Input,
                Length = chunk.Length,
                EventCount = chunk.EventCount,
                Sequence = chunk.Sequence,
            };
            chunk.Buffer.AsSpan(0, chunk.Length).CopyTo(copy.Buffer);
            chunk.ParsedEvents.CopyTo(copy.Events);
            Chunks.Add(copy);
            Bytes += chunk.Length;
            Lines += chunk.EventCount;
        }

        public void Complete()
        {
        }
    }
}
