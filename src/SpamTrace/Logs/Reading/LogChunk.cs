using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// A block of whole lines from one input and their parsed events, handed to the consumer in input order.
/// The buffer and events are pooled: a consumer must copy what it keeps before returning.
/// </summary>
public sealed class LogChunk
{
    public LogChunk(int bufferSize, int maxEvents)
    {
        Buffer = new byte[bufferSize];
        Events = new LogEvent[maxEvents];
    }

    /// <summary>The input the lines come from (file path, "-" for stdin).</summary>
    public LogInput Input { get; internal set; } = null!;
    public byte[] Buffer { get; internal set; }
    public int Length { get; internal set; }
    public LogEvent[] Events { get; internal set; }
    public int EventCount { get; internal set; }
    /// <summary>Sequence number of the chunk over the whole run, for ordered hand-off.</summary>
    public long Sequence { get; internal set; }
    /// <summary>The last chunk of its input (it may hold no line).</summary>
    public bool IsEndOfInput { get; internal set; }

    public ReadOnlySpan<LogEvent> ParsedEvents => Events.AsSpan(0, EventCount);

    /// <summary>The bytes of an event's line.</summary>
    public ReadOnlySpan<byte> Line(in LogEvent ev) => Buffer.AsSpan(ev.LineStart, ev.LineLength);

    // Bookkeeping between the reader, the parsing workers and the hand-off.
    internal int InputIndex;
    internal long FirstLineNumber;
    /// <summary>Lines cut to the length cap, by the reader (longer than a buffer) or a worker.</summary>
    internal int TruncatedLines;
    /// <summary>Stored bytes consumed over the whole run when this chunk was read, for progress.</summary>
    internal long SourcePosition;
    /// <summary>Why reading the input stopped early, on its last chunk.</summary>
    internal InputError? Error;
    /// <summary>The input's time that year-less timestamps must not be after (its last write, or now for stdin).</summary>
    internal long YearReferenceTicks;
    /// <summary>Earliest and latest resolved time of the chunk's lines (UTC ticks; MaxValue/MinValue when none).</summary>
    internal long FirstTicks;
    internal long LastTicks;
    /// <summary>Unknown lines whose envelope names Postfix, amavis or Dovecot: a mail log the parser does not fully know.</summary>
    internal long UnknownMailLines;
    internal readonly long[] KindCounts = new long[Enum.GetValues<EventKind>().Length];

    internal void Reset()
    {
        Length = 0;
        EventCount = 0;
        IsEndOfInput = false;
        TruncatedLines = 0;
        UnknownMailLines = 0;
        Error = null;
        Array.Clear(KindCounts);
    }
}
