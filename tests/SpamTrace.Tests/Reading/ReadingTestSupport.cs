using System.Text;
using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Reading;

/// <summary>A scratch directory removed after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "spamtrace-read-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string text, DateTime? lastWriteUtc = null) => Write(name, Encoding.UTF8.GetBytes(text), lastWriteUtc);

    public string Write(string name, byte[] bytes, DateTime? lastWriteUtc = null)
    {
        var path = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, bytes);
        if (lastWriteUtc is { } t)
        {
            System.IO.File.SetLastWriteTimeUtc(path, t);
        }
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Copies every line handed on, with where it came from, and checks the hand-off order.</summary>
internal sealed class CollectingConsumer : IChunkConsumer
{
    private long _lastSequence = -1;

    public List<(string Path, long LineNumber, string Text, LogEvent Event)> Lines { get; } = [];
    public List<long> Sequences { get; } = [];
    public bool Completed { get; private set; }

    public void Consume(LogChunk chunk)
    {
        Assert.True(chunk.Sequence > _lastSequence, $"chunk {chunk.Sequence} handed on after {_lastSequence}");
        _lastSequence = chunk.Sequence;
        Sequences.Add(chunk.Sequence);
        foreach (ref readonly var ev in chunk.ParsedEvents)
        {
            Lines.Add((chunk.Input.Path, ev.LineNumber, Encoding.UTF8.GetString(chunk.Line(ev)), ev));
        }
    }

    public void Complete() => Completed = true;

    public List<string> Texts => Lines.Select(l => l.Text).ToList();
}

internal static class Inputs
{
    public static LogInput FromBytes(string name, byte[] bytes, DateTime? lastWriteUtc = null) =>
        new(name, () => LogOpener.Open(new MemoryStream(bytes), name), lastWriteUtc, bytes.Length);

    public static LogInput FromText(string name, string text, DateTime? lastWriteUtc = null) =>
        FromBytes(name, Encoding.UTF8.GetBytes(text), lastWriteUtc);

    public static IReadOnlyList<LogInput> Files(params string[] paths)
    {
        var (inputs, errors) = LogDiscovery.Resolve(paths);
        Assert.Empty(errors);
        return inputs;
    }
}

/// <summary>
/// A minimal classic-syslog timestamp parser ("Mar 23 05:01:52 ..."), so the reading tests do not depend on
/// the real parser's progress: fills Time (month, day, time of day) and marks every line Ignored.
/// </summary>
internal static class SyslogTimeOnlyParser
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static bool Parse(ReadOnlySpan<byte> line, ref LogEvent ev)
    {
        ev.Kind = EventKind.Ignored;
        if (line.Length < 15)
        {
            return false;
        }
        var text = Encoding.ASCII.GetString(line[..15]);
        var month = Array.IndexOf(Months, text[..3]) + 1;
        if (month == 0 || !int.TryParse(text.AsSpan(4, 2).Trim(), out var day) || !TimeSpan.TryParse(text.AsSpan(7, 8), out var timeOfDay))
        {
            return false;
        }
        ev.Time = new LogTimestamp { Month = (byte)month, Day = (byte)day, Ticks = timeOfDay.Ticks, Flags = TimestampFlags.Valid };
        return true;
    }
}
