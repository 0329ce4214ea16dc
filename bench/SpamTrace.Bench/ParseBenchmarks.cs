using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Bench;

/// <summary>
/// Single-threaded parse throughput on a realistic mixed mail log (see <see cref="ParseSample"/>), against the
/// floor of any line-based tool: finding the line ends alone. The sample is written to
/// /tmp/spamtrace-parse-sample-{Format}.log, where `grep -c` is timed on the same bytes in the same run.
/// Run: dotnet run -c Release --project bench/SpamTrace.Bench -- --filter '*ParseBenchmarks*'
/// </summary>
[Config(typeof(ThroughputConfig))]
public class ParseBenchmarks
{
    private const int SampleBytes = 32 << 20;
    private byte[] _log = [];

    [Params("classic", "iso")]
    public string Format { get; set; } = "classic";

    private string _samplePath = "";

    [GlobalSetup]
    public void Setup()
    {
        _log = Sample(Format);
        _samplePath = Path.Combine(Path.GetTempPath(), $"spamtrace-parse-sample-{Format}.log");
        File.WriteAllBytes(_samplePath, _log);
    }

    /// <summary>The peer: GNU grep counting delivered recipients in the same bytes (a process per pass, ~1 ms of it start-up).</summary>
    [Benchmark(Description = "grep -c status=sent (process)")]
    public int GrepCount()
    {
        var start = new System.Diagnostics.ProcessStartInfo("grep", ["-c", "status=sent", _samplePath])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.Environment["LC_ALL"] = "C";
        using var grep = System.Diagnostics.Process.Start(start)!;
        var count = grep.StandardOutput.ReadToEnd();
        grep.WaitForExit();
        return count.Length;
    }

    [Benchmark(Baseline = true, Description = "find line ends only")]
    public int SplitLines()
    {
        int lines = 0;
        var rest = _log.AsSpan();
        while (rest.Length > 0)
        {
            int nl = rest.IndexOf((byte)'\n');
            if (nl < 0)
            {
                break;
            }
            lines++;
            rest = rest[(nl + 1)..];
        }
        return lines;
    }

    [Benchmark(Description = "split + PostfixLineParser.Parse")]
    public int Parse()
    {
        int recognised = 0;
        var ev = default(LogEvent);
        var rest = _log.AsSpan();
        while (rest.Length > 0)
        {
            int nl = rest.IndexOf((byte)'\n');
            var line = nl < 0 ? rest : rest[..nl];
            ev.Clear();
            PostfixLineParser.Parse(line, ref ev);
            if (ev.Kind > EventKind.Ignored)
            {
                recognised++;
            }
            rest = nl < 0 ? default : rest[(nl + 1)..];
        }
        return recognised;
    }

    private static readonly Dictionary<string, byte[]> Samples = [];

    internal static byte[] Sample(string format)
    {
        lock (Samples)
        {
            if (!Samples.TryGetValue(format, out var bytes))
            {
                bytes = ParseSample.Build(SampleBytes, format == "iso");
                Samples[format] = bytes;
            }
            return bytes;
        }
    }

    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddJob(Job.ShortRun.WithWarmupCount(3).WithIterationCount(15));
            AddColumn(StatisticColumn.Median);
            AddColumn(new ThroughputColumn(lines: false), new ThroughputColumn(lines: true));
        }
    }

    /// <summary>MB/s (10^6 bytes) and million lines/s from the median time of one pass (the machine is shared: the median resists others' bursts).</summary>
    private sealed class ThroughputColumn(bool lines) : IColumn
    {
        public string Id => lines ? "MLinesPerSec" : "MBPerSec";
        public string ColumnName => lines ? "Mlines/s" : "MB/s";
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => lines ? 1 : 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => lines ? "million lines parsed per second" : "megabytes (10^6) parsed per second";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats)
            {
                return "-";
            }
            var format = (string)benchmarkCase.Parameters["Format"];
            var sample = Sample(format);
            double seconds = stats.Median / 1e9;
            double value = lines ? sample.AsSpan().Count((byte)'\n') / seconds / 1e6 : sample.Length / seconds / 1e6;
            return value.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
