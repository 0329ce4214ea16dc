using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using SpamTrace.Logs;
using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;
using SpamTrace.Reports;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>Reads and parses logs end to end and prints what was read: a health check of the reader and parser, and a benchmark.</summary>
public sealed class ScanCommand : Command<ScanCommand.Settings>
{
    public sealed class Settings : JournalInputSettings
    {
        [CommandArgument(0, "[LOG]")]
        [Description("Log files (plain, .gz, .bz2, .xz, .zst, journalctl -o json), directories, globs or /dev/stdin. Default: /var/log/maillog*, /var/log/mail.log*.")]
        public string[] Logs { get; init; } = [];

        [CommandOption("--unknown")]
        [Description($"List the unrecognised lines kept as samples (up to 50).")]
        public bool Unknown { get; init; }

        [CommandOption("--parse-only")]
        [Description("Read and parse only; by default lines are also correlated into message chains.")]
        public bool ParseOnly { get; init; }

        [CommandOption("--show-incomplete <N>")]
        [Description("Print up to N incomplete chains as NDJSON (see docs/trace-json.md) to check what the log cut off.")]
        public int ShowIncomplete { get; init; }

        [CommandOption("--workers <N>")]
        [Description("Parsing threads (default: one per core).")]
        public int? Workers { get; init; }

        [CommandOption("--keep-going")]
        [Description("When some inputs cannot be read, exit 0 on the rest (default: exit 2).")]
        public bool KeepGoing { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var (inputs, discoveryErrors, tried) = LogSources.Resolve(settings.Logs, settings.Journal, settings.JournalDir, sinceUtc: null);
        if (inputs.Count == 0)
        {
            throw new UserFacingException(discoveryErrors.Count > 0 ? TerminalText.Escape(discoveryErrors[0].ToString()) : $"no log to read ({tried})");
        }
        if (settings.Workers is < 1)
        {
            throw new UserFacingException("--workers must be at least 1");
        }

        var options = LogEngine.PipelineOptions(workers: settings.Workers);
        var consumer = new CountingConsumer();
        var chains = new ChainCounter(settings.ShowIncomplete);
        var correlator = new Correlator(chains, new LogEngineOptions());
        chains.Correlator = correlator;
        var clock = Stopwatch.StartNew();
        var timed = new TimedConsumer(correlator);
        var statistics = LogPipeline.Run(inputs, settings.ParseOnly ? consumer : timed, options, cancellationToken);
        clock.Stop();

        var output = Console.Out;
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        output.WriteLine($"inputs: {statistics.InputsRead.Count} of {inputs.Count}");
        foreach (var path in statistics.InputsRead)
        {
            output.WriteLine($"  {TerminalText.Escape(path)}");
        }
        output.WriteLine(Invariant($"bytes: {statistics.Bytes:N0} in {seconds:F2} s ({statistics.Bytes / seconds / 1e6:F0} MB/s, {options.Workers} parsing threads)"));
        output.WriteLine(Invariant($"lines: {statistics.Lines:N0} ({statistics.Lines / seconds / 1e6:F2} M lines/s), {statistics.TruncatedLines:N0} truncated to {options.MaxLineLength:N0} bytes"));
        if (statistics.FirstTimeUtc is { } first && statistics.LastTimeUtc is { } last)
        {
            output.WriteLine(Invariant($"time: {first:yyyy-MM-dd HH:mm:ss} .. {last:yyyy-MM-dd HH:mm:ss}"));
        }
        output.WriteLine("events by kind:");
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            var count = statistics.ByKind[(int)kind];
            if (count > 0)
            {
                output.WriteLine(Invariant($"  {kind,-20} {count,14:N0}"));
            }
        }
        output.WriteLine(Invariant($"unknown: {statistics.UnknownLines:N0}") + (statistics.UnknownLines > 0 && !settings.Unknown ? " (--unknown lists samples)" : ""));
        if (settings.Unknown)
        {
            foreach (var sample in statistics.UnknownSamples)
            {
                output.WriteLine(Invariant($"  {TerminalText.Escape(sample.Path)}:{sample.LineNumber}: {TerminalText.Escape(sample.Text)}"));
            }
        }

        var errors = discoveryErrors.Concat(statistics.Errors).ToList();
        if (!settings.ParseOnly)
        {
            output.WriteLine(Invariant($"correlation: {timed.Elapsed.TotalSeconds:F2} s on the consumer thread ({statistics.Lines / Math.Max(timed.Elapsed.TotalSeconds, 1e-9) / 1e6:F2} M lines/s)"));
            output.WriteLine(Invariant($"chains: {chains.Chains:N0} ({chains.Outbound:N0} outbound, {chains.Incomplete:N0} incomplete, {chains.Hops:N0} queue files), session events: {chains.SessionEvents:N0}, at most {chains.MaxOpen:N0} messages open at once"));
        }
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        output.WriteLine(Invariant($"memory: peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB, GC heap {gc.HeapSizeBytes / 1e6:F0} MB, committed {gc.TotalCommittedBytes / 1e6:F0} MB, {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} collections"));
        output.WriteLine($"errors: {errors.Count}");
        foreach (var error in errors)
        {
            output.WriteLine($"  {TerminalText.Escape(error.ToString())}");
        }
        if (settings.ParseOnly && consumer.Events != statistics.Lines)
        {
            throw new UserFacingException($"internal error: {statistics.Lines} lines read but {consumer.Events} handed on");
        }
        if (InputChecks.NoMailLines(statistics) is { } nothing)
        {
            throw new UserFacingException(nothing);
        }
        return errors.Count > 0 && !settings.KeepGoing ? ExitCodes.UsageOrInput : ExitCodes.Ok;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Counts what the correlator hands on, so `scan` measures parse + correlate without keeping chains.</summary>
internal sealed class ChainCounter(int showIncomplete) : ILogObserver
{
    private int _shown;

    public long Chains { get; private set; }
    public long Outbound { get; private set; }
    public long Incomplete { get; private set; }
    public long Hops { get; private set; }
    public long SessionEvents { get; private set; }
    public long MaxOpen { get; private set; }
    public Correlator? Correlator { get; set; }

    public void OnChain(MessageChain chain)
    {
        Chains++;
        Hops += chain.Hops.Count;
        if ((Chains & 1023) == 0 && Correlator is not null)
        {
            MaxOpen = Math.Max(MaxOpen, Correlator.OpenMessages);
        }
        if (chain.IsOutbound)
        {
            Outbound++;
        }
        if (chain.Incomplete)
        {
            Incomplete++;
            if (_shown < showIncomplete)
            {
                _shown++;
                using var stdout = Console.OpenStandardOutput();
                using var json = new System.Text.Json.Utf8JsonWriter(stdout);
                SpamTrace.Reports.Trace.ChainJsonWriter.Write(json, chain);
                json.Flush();
                stdout.WriteByte((byte)'\n');
            }
        }
    }

    public void OnSessionEvent(SessionEvent e) => SessionEvents++;
}

/// <summary>Measures the time spent in the consumer (the correlator), which runs on one thread.</summary>
internal sealed class TimedConsumer(IChunkConsumer inner) : IChunkConsumer
{
    private readonly Stopwatch _clock = new();

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Consume(LogChunk chunk)
    {
        _clock.Start();
        inner.Consume(chunk);
        _clock.Stop();
    }

    public void Complete()
    {
        _clock.Start();
        inner.Complete();
        _clock.Stop();
    }
}
