using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Metrics;
using SpamTrace.Policy.Protocol;
using SpamTrace.Policy.Store;

namespace SpamTrace.PolicyBench;

/// <summary>Parses and decides the request pool in a loop on one thread against the embedded store (no persistence).</summary>
internal static class InProcess
{
    public static int Run(Dictionary<string, string> options)
    {
        var seconds = double.Parse(options.GetValueOrDefault("seconds", "3"), CultureInfo.InvariantCulture);
        var inbound = options.ContainsKey("inbound");
        var pool = inbound ? RequestPool.Inbound(20000, 42) : new RequestPool(500, 300, 20000, 42);
        var json = options.GetValueOrDefault("config-json",
            """{ "limits": [ { "name": "user", "windows": ["1000/1h"] }, { "name": "ip", "key": "client_address", "windows": ["5000/1h"] } ] }""");
        var config = PolicyConfigLoader.Parse(Encoding.UTF8.GetBytes(json), "bench.json");
        var engine = new PolicyEngine(config, new EmbeddedStore(null), new NoNotifier(), new PolicyMetrics(), NullLogger.Instance);
        if (inbound)
        {
            // Greylisting on the embedded store (memory only), without SPF pools (no DNS in a benchmark).
            GreylistSetup.Attach(engine, new EmbeddedGreylistStore(null), config, NullLogger.Instance);
        }
        var parser = new PolicyRequestParser();
        var request = new PolicyRequest();
        var context = new DecisionContext();
        var parseOnly = options.ContainsKey("parse-only");
        long Loop(TimeSpan duration)
        {
            var watch = Stopwatch.StartNew();
            long n = 0;
            while (watch.Elapsed < duration)
            {
                for (var i = 0; i < 1000; i++, n++)
                {
                    var buffer = new ReadOnlySequence<byte>(pool[(int)(n % pool.Count)]);
                    if (parser.TryParse(ref buffer, request) != ParseStatus.Complete)
                    {
                        throw new InvalidOperationException(parser.Error);
                    }
                    if (parseOnly)
                    {
                        request.Reset();
                        continue;
                    }
                    var pending = engine.DecideAsync(request, context, CancellationToken.None);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        pending.AsTask().GetAwaiter().GetResult();
                    }
                    request.Reset();
                }
            }
            return n;
        }
        Loop(TimeSpan.FromSeconds(1));
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        // CPU time, not wall time: on a shared machine the thread is descheduled often, and wall time would charge
        // other processes' work to each request.
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var count = Loop(TimeSpan.FromSeconds(seconds));
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(parseOnly ? "parse only" : inbound ? "parse + decide with greylisting" : "parse + decide")}, one thread, embedded store: {cpu * 1e9 / count:0} ns CPU and {allocated / (double)count:0} bytes allocated per request ({count} requests, i.e. {count / cpu:0} requests per CPU-second)"));
        return 0;
    }

    private sealed class NoNotifier : IIncidentNotifier
    {
        public Task<bool> NotifyAsync(Incident incident, NotifyConfig config, CancellationToken cancellationToken) => Task.FromResult(true);
    }
}
