using System.Text.Json;
using System.Text.Json.Serialization;

namespace SpamTrace.Containment;

/// <summary>One journal line: a step, its state, and what it did (IDs touched, before/after values).</summary>
public sealed class JournalRecord
{
    public string JournalId { get; set; } = "";
    public int Seq { get; set; }
    public DateTimeOffset When { get; set; }
    /// <summary>applying, applied, failed, undone, undo_failed, undo_skipped.</summary>
    public string Status { get; set; } = "";
    public PlanStep Step { get; set; } = new();
    /// <summary>Queue IDs in the intended state after the step (held, released, requeued; deleted ones are gone).</summary>
    public List<string>? Touched { get; set; }
    /// <summary>Queue IDs that had left the queue before postsuper reached them (delivered, expired, deleted elsewhere).</summary>
    public List<string>? Gone { get; set; }
    /// <summary>Queue IDs still present but not in the intended state.</summary>
    public List<string>? Untouched { get; set; }
    /// <summary>postsuper's own count ("Placed on hold: N messages").</summary>
    public int? ReportedCount { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? Note { get; set; }
    public string? User { get; set; }
}

/// <summary>
/// The journal: one JSON-lines file per applied plan under the state directory, appended and fsynced line by
/// line, so an interrupted run still says what it changed. Undo appends its own lines to the same file.
/// </summary>
public sealed class ContainmentJournal(string directory)
{
    public const string DefaultDirectory = "/var/lib/spamtrace/journal";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string Directory { get; } = directory;

    public string NewId(DateTimeOffset now) => $"{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{Random.Shared.Next(0x10000):x4}";

    public string PathOf(string id) => System.IO.Path.Combine(Directory, id + ".jsonl");

    public void Append(JournalRecord record)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var line = JsonSerializer.Serialize(record, Json) + "\n";
        using var stream = new FileStream(PathOf(record.JournalId), FileMode.Append, FileAccess.Write, FileShare.Read);
        var bytes = System.Text.Encoding.UTF8.GetBytes(line);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true);
    }

    public List<JournalRecord> Read(string id)
    {
        if (!PostfixSafeId(id))
        {
            throw new ContainmentException($"'{id}' is not a journal ID (see {Directory})");
        }
        var path = PathOf(id);
        if (!File.Exists(path))
        {
            throw new ContainmentException($"{path}: no such journal");
        }
        var records = new List<JournalRecord>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) { continue; }
            try
            {
                records.Add(JsonSerializer.Deserialize<JournalRecord>(line, Json) ?? throw new JsonException("null record"));
            }
            catch (JsonException ex)
            {
                throw new ContainmentException($"{path}:{number}: unreadable journal line ({ex.Message})");
            }
        }
        return records;
    }

    /// <summary>The state of each step: its last record.</summary>
    public static Dictionary<int, JournalRecord> LastBySeq(IEnumerable<JournalRecord> records) =>
        records.GroupBy(r => r.Seq).ToDictionary(g => g.Key, g => g.Last());

    /// <summary>The newest journal with steps applied and not undone yet.</summary>
    public string? LatestUndoable()
    {
        if (!System.IO.Directory.Exists(Directory)) { return null; }
        foreach (var file in System.IO.Directory.GetFiles(Directory, "*.jsonl").OrderByDescending(f => f, StringComparer.Ordinal))
        {
            var id = System.IO.Path.GetFileNameWithoutExtension(file);
            if (LastBySeq(Read(id)).Values.Any(r => r.Step.Kind != StepKind.Reload && r.Status is "applied" or "applying" or "undo_failed"))
            {
                return id;
            }
        }
        return null;
    }

    public List<string> List() => System.IO.Directory.Exists(Directory)
        ? System.IO.Directory.GetFiles(Directory, "*.jsonl").Select(System.IO.Path.GetFileNameWithoutExtension).OfType<string>().OrderBy(x => x, StringComparer.Ordinal).ToList()
        : [];

    private static bool PostfixSafeId(string id) => id.Length is > 0 and < 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
