using System.ComponentModel;
using System.Text.Json;
using SpamTrace.Logs;
using SpamTrace.Logs.Query;
using SpamTrace.Reports.Trace;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>`spamtrace trace QUERY [LOG...]`: every chain matching the query, with its notifications. Exit 0 when something matched, 1 when nothing did (as grep).</summary>
public sealed class TraceCommand : Command<TraceCommand.Settings>
{
    public sealed class Settings : JournalInputSettings
    {
        [CommandArgument(0, "<QUERY>")]
        [Description("Queue ID, Message-ID, address (sender or recipient), SASL username or client IP.")]
        public string Query { get; init; } = "";

        [CommandArgument(1, "[LOG]")]
        [Description("Log files, directories, globs or - for stdin. Default: /var/log/maillog*, /var/log/mail.log*.")]
        public string[] Logs { get; init; } = [];

        [CommandOption("--raw")]
        [Description("Print each matching chain's original log lines in order.")]
        public bool Raw { get; init; }

        [CommandOption("--json")]
        [Description("One JSON object per chain (NDJSON); schema in docs/trace-json.md. With --raw, each hop carries its lines.")]
        public bool Json { get; init; }

        [CommandOption("--since <TIME>")]
        [Description("Only messages first seen at or after TIME (2024-03-23, '2024-03-23 05:00', 6h, 2d).")]
        public string? Since { get; init; }

        [CommandOption("--until <TIME>")]
        [Description("Only messages first seen before TIME.")]
        public string? Until { get; init; }

        [CommandOption("--host <HOST>")]
        [Description("Only this syslog host (central log servers).")]
        public string? Host { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ChainQuery query;
        try
        {
            query = ChainQuery.Parse(settings.Query);
        }
        catch (ArgumentException e)
        {
            throw new UserFacingException("trace: " + e.Message);
        }
        var now = DateTime.UtcNow;
        var options = new LogEngineOptions
        {
            KeepLines = settings.Raw,
            SinceUtc = TimeArguments.Parse(settings.Since, "--since", now),
            UntilUtc = TimeArguments.Parse(settings.Until, "--until", now),
            Host = settings.Host,
        };
        var inputs = LogInputs.Resolve(settings.Logs, settings.Journal, settings.JournalDir, options.SinceUtc);

        var console = Consoles.Stdout();
        var renderer = new TraceRenderer(console);
        using var stdout = Console.OpenStandardOutput();
        using var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = false });
        var matched = new List<SpamTrace.Logs.Correlation.MessageChain>();
        var collector = new TraceCollector(query, chain =>
        {
            if (settings.Json)
            {
                ChainJsonWriter.Write(json, chain);
                json.Flush();
                stdout.WriteByte((byte)'\n');
                json.Reset();
            }
            else
            {
                matched.Add(chain);
            }
        });
        var stats = ReadingProgress.Run(Consoles.Stderr(), options, o => LogEngine.Run(inputs, collector, o, cancellationToken));
        // A person reads a message before the bounce it caused, in time order; chains finish in another order.
        foreach (var chain in TraceOrder.Sort(matched))
        {
            if (settings.Raw)
            {
                renderer.RenderRaw(chain);
                console.WriteLine();
            }
            else
            {
                renderer.Render(chain);
            }
        }
        LogInputs.ReportErrors(stats);
        if (stats.UnknownLines > 0)
        {
            // Never silently: a line we could not read may be the one that mattered.
            LogInputs.Warn($"{stats.UnknownLines:N0} of {stats.Lines:N0} lines were not understood; `spamtrace scan --unknown LOG` lists examples");
        }
        if (collector.Matches == 0 && !settings.Json)
        {
            LogInputs.Warn($"no message matches '{settings.Query}' in {stats.Lines:N0} lines of {stats.InputsRead.Count} log(s)");
        }
        return collector.Matches > 0 ? ExitCodes.Ok : ExitCodes.Found;
    }
}
