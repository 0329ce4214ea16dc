using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using SpamTrace.PolicyBench;

// Load generator for Postfix policy services: N persistent connections, one request at a time per connection (as
// smtpd does), for a fixed time; prints one Markdown table row per connection count.
// Usage: SpamTrace.PolicyBench --target 127.0.0.1:10040 [--pid PID[,PID]] [--tree] [--label NAME] [--connections 1,10,50,100]
//        [--seconds 3] [--warmup 1] [--users 500] [--ips 300] [--inbound]
if (args.Length > 0 && args[0] == "inprocess")
{
    // Parse + decide without sockets: what one request costs the service itself, the rest being kernel and I/O.
    return InProcess.Run(ParseArgs(args[1..]));
}
var options = ParseArgs(args);
var target = IPEndPoint.Parse(options.GetValueOrDefault("target", "127.0.0.1:10040"));
// --pid may list several processes (the service and its redis-server): their CPU and RSS are summed.
var pids = options.TryGetValue("pid", out var p) ? p.Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray() : [];
var label = options.GetValueOrDefault("label", target.ToString());
var levels = options.GetValueOrDefault("connections", "1,10,50,100").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
var seconds = double.Parse(options.GetValueOrDefault("seconds", "3"), CultureInfo.InvariantCulture);
var warmup = double.Parse(options.GetValueOrDefault("warmup", "1"), CultureInfo.InvariantCulture);
// --inbound: unauthenticated inbound RCPTs for greylisting, instead of authenticated submissions.
var pool = options.ContainsKey("inbound") ? RequestPool.Inbound(20000, 42) : new RequestPool(
    int.Parse(options.GetValueOrDefault("users", "500"), CultureInfo.InvariantCulture),
    int.Parse(options.GetValueOrDefault("ips", "300"), CultureInfo.InvariantCulture), 20000, 42);
var tree = options.ContainsKey("tree");

foreach (var connections in levels)
{
    var result = await RunAsync(target, connections, pool, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), pids, tree);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {label} | {connections} | {result.Rate:0} | {result.P50Ms:0.000} | {result.P99Ms:0.000} | {(double.IsNaN(result.CpuUsPerRequest) ? "-" : result.CpuUsPerRequest.ToString("0.0", CultureInfo.InvariantCulture))} | {(result.RssMiB > 0 ? result.RssMiB.ToString("0", CultureInfo.InvariantCulture) : "-")} | {result.Actions} |"));
}
return 0;

static ProcessSample? Sample(int[] pids, bool tree)
{
    if (pids.Length == 0)
    {
        return null;
    }
    double cpu = 0;
    long rss = 0;
    foreach (var pid in pids)
    {
        if ((tree ? ProcessSample.ReadTree(pid) : ProcessSample.Read(pid)) is not { } one)
        {
            return null;
        }
        cpu += one.CpuSeconds;
        rss += one.RssKiB;
    }
    return new ProcessSample(cpu, rss);
}

static async Task<Result> RunAsync(IPEndPoint target, int connections, RequestPool pool, TimeSpan warmup, TimeSpan duration, int[] pids, bool tree)
{
    var sockets = new List<Socket>();
    for (var i = 0; i < connections; i++)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(target);
        sockets.Add(socket);
    }
    var measuring = 0;
    var stop = 0;
    var latencies = new List<long>[connections];
    var actions = new Dictionary<string, long>[connections];
    var tasks = sockets.Select((socket, c) => Task.Run(async () =>
    {
        var mine = latencies[c] = new List<long>(1 << 16);
        var seen = actions[c] = [];
        var buffer = new byte[4096];
        var index = c * 7919;
        while (Volatile.Read(ref stop) == 0)
        {
            var request = pool[index++];
            var started = Stopwatch.GetTimestamp();
            await socket.SendAsync(request, SocketFlags.None);
            var received = 0;
            while (received < 2 || buffer[received - 1] != (byte)'\n' || buffer[received - 2] != (byte)'\n')
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None);
                if (n == 0)
                {
                    throw new IOException("server closed the connection");
                }
                received += n;
            }
            if (Volatile.Read(ref measuring) == 1)
            {
                mine.Add(Stopwatch.GetTimestamp() - started);
                var verbEnd = Array.FindIndex(buffer, 7, received - 7, b => b is (byte)' ' or (byte)'\n');
                var verb = System.Text.Encoding.ASCII.GetString(buffer, 7, verbEnd - 7).ToUpperInvariant();
                seen[verb] = seen.GetValueOrDefault(verb) + 1;
            }
        }
    })).ToArray();
    await Task.Delay(warmup);
    var before = Sample(pids, tree);
    var clock = Stopwatch.StartNew();
    Volatile.Write(ref measuring, 1);
    await Task.Delay(duration);
    Volatile.Write(ref measuring, 0);
    var elapsed = clock.Elapsed.TotalSeconds;
    var after = Sample(pids, tree);
    Volatile.Write(ref stop, 1);
    await Task.WhenAll(tasks);
    foreach (var socket in sockets)
    {
        socket.Dispose();
    }
    var all = latencies.SelectMany(l => l).ToArray();
    Array.Sort(all);
    double Percentile(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1000.0 / Stopwatch.Frequency;
    var merged = actions.SelectMany(a => a).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Sum(kv => kv.Value));
    var cpuUs = before is { } b && after is { } a && all.Length > 0 ? (a.CpuSeconds - b.CpuSeconds) * 1e6 / all.Length : double.NaN;
    return new Result(all.Length / elapsed, Percentile(0.50), Percentile(0.99), cpuUs, (after?.RssKiB ?? 0) / 1024.0,
        string.Join(" ", merged.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key}:{kv.Value * 100.0 / Math.Max(1, all.Length):0.#}%")));
}

static Dictionary<string, string> ParseArgs(string[] args)
{
    var result = new Dictionary<string, string>();
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i].StartsWith("--", StringComparison.Ordinal))
        {
            var key = args[i][2..];
            result[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }
    }
    return result;
}

internal readonly record struct Result(double Rate, double P50Ms, double P99Ms, double CpuUsPerRequest, double RssMiB, string Actions);
