using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Reading;

/// <summary>The shape of <see cref="PostfixLineParser.Parse"/>.</summary>
internal delegate bool LineParser(ReadOnlySpan<byte> line, ref LogEvent ev);

/// <summary>Sizes of the reading pipeline; the defaults suit a 1 GB log on a small server.</summary>
public sealed class LogPipelineOptions
{
    /// <summary>Bytes per chunk buffer.</summary>
    public int ChunkSize { get; init; } = 2 * 1024 * 1024;

    /// <summary>
    /// Events per chunk: a chunk is cut at whichever limit comes first. Postfix lines average 150-250 bytes,
    /// so the default rarely cuts on lines; it bounds the event arrays (a LogEvent is a few hundred bytes).
    /// </summary>
    public int MaxLinesPerChunk { get; init; } = 16 * 1024;

    /// <summary>Longer lines are parsed from their first bytes and counted as truncated.</summary>
    public int MaxLineLength { get; init; } = TextRange.MaxLineLength;

    /// <summary>Parsing threads.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Chunks in flight (reading, parsing, waiting for their turn, being consumed): the memory bound.</summary>
    public int? PoolSize { get; init; }

    /// <summary>Stored bytes read so far and their total when known, called on the consuming thread.</summary>
    public Action<long, long?>? Progress { get; init; }

    /// <summary>The reference time for year-less timestamps read from stdin (tests pin it).</summary>
    public DateTime? NowUtc { get; init; }

    /// <summary>The line parser; tests substitute one to control timing and timestamps.</summary>
    internal LineParser ParseLine { get; init; } = PostfixLineParser.Parse;

    internal int EffectivePoolSize => PoolSize ?? (2 * Math.Max(1, Workers)) + 2;

    internal void Validate()
    {
        if (MaxLineLength is < 1 or > TextRange.MaxLineLength)
        {
            throw new ArgumentException($"MaxLineLength ({MaxLineLength}) must be between 1 and {TextRange.MaxLineLength}");
        }
        if (ChunkSize < (2 * MaxLineLength) + 2)
        {
            throw new ArgumentException($"ChunkSize ({ChunkSize}) must be at least twice MaxLineLength ({MaxLineLength}) plus 2");
        }
        if (MaxLinesPerChunk < 1 || Workers < 1 || EffectivePoolSize < 3)
        {
            throw new ArgumentException("MaxLinesPerChunk, Workers and PoolSize must be positive (PoolSize at least 3: the reader holds up to three while cutting)");
        }
    }
}
