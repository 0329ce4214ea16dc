using System.ComponentModel;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SpamTrace.Common;
using SpamTrace.Queue;
using SpamTrace.Reputation;
using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Rendering;

namespace SpamTrace.Cli.Commands;

/// <summary><c>spamtrace queue</c>: what is waiting in the Postfix queue(s), by who sent it, where to, and why it is stuck.</summary>
public sealed class QueueCommand : Command<QueueCommand.Settings>
{
    public sealed class Settings : InstanceSettings
    {
        [CommandOption("--input <FILE>")]
        [Description("Summarise a saved `postqueue -j` or `mailq` listing instead of the live queue (- for stdin). Queue files are not read.")]
        public string? Input { get; init; }

        [CommandOption("--now <TIME>")]
        [Description("With --input: when the listing was taken, to measure ages from (default: the file's modification time; the current time for stdin).")]
        public string? Now { get; init; }

        [CommandOption("--sample <N>")]
        [Description("Queue files read with postcat for SASL login and uid (0: all). Default 2000.")]
        [DefaultValue(2000)]
        public int Sample { get; init; } = 2000;

        [CommandOption("--json")]
        [Description("Print the summary as JSON.")]
        public bool Json { get; init; }

        [CommandOption("--log <FILE>")]
        [Description("Mail log(s) giving the SASL login/uid of content-filter re-injected copies. Default: maillog_file, else /var/log/mail.log or /var/log/maillog.")]
        public string[] Logs { get; init; } = [];

        [CommandOption("--no-log")]
        [Description("Read no mail log: logins and uids from queue files only.")]
        public bool NoLog { get; init; }

        public override ValidationResult Validate() =>
            Sample < 0 ? ValidationResult.Error("--sample must be 0 (all) or more")
            : Input is not null && ConfigDirectories.Length > 0 ? ValidationResult.Error("--input and -c exclude each other")
            : Now is not null && Input is null ? ValidationResult.Error("--now goes with --input (a live queue is measured from the current time)")
            : ValidationResult.Success();
    }

    /// <summary>Delay reasons are classified with diagnose's table of remote replies.</summary>
    internal static Func<string?, string, ReplyVerdict> Classifier { get; set; } = (dsn, reply) => ReplyClassifier.Classify(dsn, reply);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var now = settings.Input is not null ? SnapshotTime(settings.Input, settings.Now) : DateTimeOffset.Now;
        var summary = settings.Input is not null
            ? SummariseFile(settings.Input, now)
            : WithProgress(report =>
            {
                var instances = Instances(settings.ConfigDirectories);
                return QueueSurvey.Run(instances, now, settings.Sample, Classifier, report, SystemUsers.NameOf, LoadLogs(settings.Logs, settings.NoLog, instances));
            });
        if (settings.Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(summary, JsonOutput.Options));
        }
        else
        {
            Render(AnsiConsole.Console, summary);
        }
        return summary.ByDelayReason.Any(r => r.Verdict.IsReputationProblem) ? ExitCodes.Found : ExitCodes.Ok;
    }

    internal static List<PostfixInstance> Instances(string[] configDirectories)
    {
        var runner = new ProcessRunner();
        if (configDirectories.Length == 0)
        {
            return [new PostfixInstance(runner)];
        }
        foreach (var dir in configDirectories)
        {
            if (!File.Exists(Path.Combine(dir, "main.cf")))
            {
                throw new UserFacingException($"{dir}: no main.cf there (-c takes a Postfix config directory)");
            }
        }
        return configDirectories.Select(d => new PostfixInstance(runner, Path.GetFullPath(d))).ToList();
    }

    /// <summary>The submission index from the given logs, or the instances' current logs; null with --no-log.</summary>
    internal static SubmissionLogIndex? LoadLogs(string[] logs, bool noLog, List<PostfixInstance> instances)
    {
        if (noLog)
        {
            return null;
        }
        var files = logs.Length > 0 ? logs.ToList() : instances.SelectMany(SubmissionLogIndex.DefaultLogs).Distinct().ToList();
        var index = new SubmissionLogIndex();
        foreach (var file in files)
        {
            try
            {
                index.AddFile(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"{file}: {ex.Message}");
            }
        }
        return index;
    }

    private static QueueSummary SummariseFile(string path, DateTimeOffset now)
    {
        var stats = new QueueReadStatistics();
        var summarizer = new QueueSummarizer(now, Classifier, sampleSize: 1);
        using var stream = path == "-" ? Console.OpenStandardInput() : OpenInput(path);
        using var buffered = new BufferedStream(stream, 1 << 16);
        var first = buffered.ReadByte();
        while (first is ' ' or '\n' or '\r' or '\t') { first = buffered.ReadByte(); }
        using var rest = new PrefixedStream((byte)first, buffered, first < 0);
        var format = first == '{' ? "postqueue -j" : "postqueue -p";
        if (first == '{')
        {
            foreach (var message in PostqueueJsonReader.Read(rest, path, stats)) { summarizer.Add(message); }
        }
        else
        {
            using var reader = new StreamReader(rest, Encoding.UTF8);
            foreach (var message in MailqTextReader.Read(reader, path, stats, now)) { summarizer.Add(message); }
        }
        if (stats.Messages == 0 && stats.BadLines > 0)
        {
            throw new UserFacingException($"{stats.BadLineSamples[0]}: {path} is not a queue listing (save one with: postqueue -j > FILE)");
        }
        var summary = summarizer.Finish(stats);
        summary.Instances = [path];
        summary.ListingFormats = [format];
        return summary;
    }

    /// <summary>
    /// A saved listing is measured from when it was taken, not from when it is read: --now, else the file's
    /// modification time (when `postqueue -j > FILE` finished), else (stdin) the current time.
    /// </summary>
    internal static DateTimeOffset SnapshotTime(string input, string? nowOption)
    {
        if (TimeArguments.Parse(nowOption, "--now", DateTime.UtcNow) is { } given)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(given, DateTimeKind.Utc));
        }
        return input != "-" && File.Exists(input) ? new DateTimeOffset(File.GetLastWriteTimeUtc(input)) : DateTimeOffset.Now;
    }

    private static FileStream OpenInput(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserFacingException($"{path}: {ex.Message}");
        }
    }

    /// <summary>A progress bar on stderr for large queues, only when stderr is a terminal.</summary>
    private static QueueSummary WithProgress(Func<Action<SurveyProgress>?, QueueSummary> work)
    {
        if (Console.IsErrorRedirected)
        {
            return work(null);
        }
        var stderr = Consoles.Stderr();
        QueueSummary? result = null;
        stderr.Progress().AutoClear(true).HideCompleted(true).Columns(
            new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("listing queue", maxValue: 1);
                task.IsIndeterminate = true;
                result = work(p =>
                {
                    task.Description = $"{p.Stage} ({p.Done:N0})";
                    if (p.Total is { } total)
                    {
                        task.IsIndeterminate = false;
                        task.MaxValue = Math.Max(1, total);
                        task.Value = p.Done;
                    }
                });
                task.StopTask();
            });
        return result!;
    }

    internal static void Render(IAnsiConsole console, QueueSummary s)
    {
        var age = s.Oldest is { } oldest ? $", oldest {Ago(s.Now - oldest)} ago" : "";
        console.Write(new Text($"{s.Messages:N0} messages, {s.Recipients:N0} recipients, {s.Bytes / 1024.0 / 1024.0:N1} MiB queued{age} " +
                               $"({string.Join(", ", s.Instances.Zip(s.ListingFormats, (i, f) => $"{i}: {f}"))})\n", new Style(decoration: Decoration.Bold)));
        if (s.Messages == 0)
        {
            return;
        }
        console.Write(Breakdown("queue", s.ByQueue, null));
        console.Write(Breakdown("sender", s.BySender, s.Distinct.GetValueOrDefault("senders")));
        console.Write(Breakdown("sender domain", s.BySenderDomain, s.Distinct.GetValueOrDefault("sender domains")));
        console.Write(Breakdown("recipient domain", s.ByRecipientDomain, s.Distinct.GetValueOrDefault("recipient domains")));
        console.Write(Breakdown("age", s.ByAge, null));
        if (s.ByDelayReason.Count > 0)
        {
            var table = new Table().Title("delay reasons").AddColumns("recipients", "messages", "class", "provider / rule", "reason");
            foreach (var r in s.ByDelayReason)
            {
                var cls = r.Verdict.Class == ReplyClass.Undefined ? "-" : r.Verdict.Class.ToString().ToLowerInvariant();
                table.AddRow(Cell($"{r.Recipients:N0}"), Cell($"{r.Messages:N0}"),
                    new Text(cls, r.Verdict.IsReputationProblem ? new Style(Color.Red) : Style.Plain),
                    Cell(string.Join(' ', new[] { r.Verdict.Provider, r.Verdict.Rule }.Where(x => x is not null))), Cell(r.Reason));
            }
            console.Write(table);
        }
        if (s.Sample is { } sample)
        {
            var scope = sample.IsExhaustive
                ? $"all {sample.Sampled:N0} queue files read"
                : $"sample of {sample.Sampled:N0} queue files out of {sample.Population:N0} messages (multiply by {sample.Scale:N1})";
            if (sample.Gone > 0) { scope += $", {sample.Gone} left the queue while reading"; }
            console.Write(new Text($"From the queue files: {scope}; {sample.Unattributed:N0} with neither SASL login nor local uid.\n"));
            console.Write(Breakdown("SASL user", sample.BySaslUser, null));
            console.Write(Breakdown("local uid", sample.ByUid, null));
            console.Write(Breakdown("SMTP client", sample.ByClient, null));
        }
        if (s.BadLines > 0)
        {
            console.Write(new Text($"{s.BadLines} unreadable listing lines, e.g. {string.Join("; ", s.BadLineSamples)}\n", new Style(Color.Yellow)));
        }
    }

    private static IRenderable Breakdown(string title, List<QueueCount> rows, int? distinct)
    {
        if (rows.Count == 0)
        {
            return Text.Empty;
        }
        var header = distinct is { } d && d > rows.Count ? $"{title} (top {rows.Count} of {d:N0})" : title;
        var table = new Table().AddColumns(new TableColumn(header), new TableColumn("messages").RightAligned(), new TableColumn("recipients").RightAligned());
        foreach (var row in rows)
        {
            table.AddRow(Cell(row.Key), Cell($"{row.Messages:N0}"), Cell($"{row.Recipients:N0}"));
        }
        return table;
    }

    /// <summary>Queue content is attacker controlled: always plain text, never markup.</summary>
    private static Text Cell(string text) => new(text);

    private static string Ago(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays:N1} days" : span.TotalHours >= 1 ? $"{span.TotalHours:N1} hours" : $"{Math.Max(0, span.TotalMinutes):N0} minutes";
}

/// <summary>The JSON conventions of our outputs: snake_case names, enums as strings, nulls omitted.</summary>
internal static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}

/// <summary>uid to user name from /etc/passwd, read once.</summary>
internal static class SystemUsers
{
    private static readonly Lazy<Dictionary<int, string>> Names = new(() =>
    {
        var names = new Dictionary<int, string>();
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 2 && int.TryParse(fields[2], out var uid)) { names.TryAdd(uid, fields[0]); }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return names;
    });

    public static string? NameOf(int uid) => Names.Value.GetValueOrDefault(uid);

    public static int? UidOf(string name) => Names.Value.FirstOrDefault(kv => kv.Value == name) is { Value: not null } kv ? kv.Key : null;
}

/// <summary>A stream with one byte (already read to sniff the format) put back in front.</summary>
internal sealed class PrefixedStream(byte first, Stream rest, bool empty) : ReadOnlyStream
{
    private bool _pending = !empty;

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (count == 0) { return 0; }
        if (_pending)
        {
            _pending = false;
            buffer[offset] = first;
            return 1 + rest.Read(buffer, offset + 1, count - 1);
        }
        return rest.Read(buffer, offset, count);
    }
}
