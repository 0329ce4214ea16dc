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

    public ReadOnlySpan<LogEvent> ParsedEvents => Events.AsSpan(0, EventCount);

    /// <summary>The bytes of an event's line.</summary>
    public ReadOnlySpan<byte> Line(in LogEvent ev) => Buffer.AsSpan(ev.LineStart, ev.LineLength);
}
