namespace SpamTrace.Logs.Parsing;

/// <summary>
/// A slice of one log line (offsets relative to the line's first byte), so parsing allocates nothing.
/// Offsets are 16-bit: lines are cut at <see cref="MaxLineLength"/> before parsing, and the 28 ranges of an event
/// then take half the cache lines they would as ints; the correlator reads each event right after another core wrote it.
/// </summary>
public readonly record struct TextRange
{
    /// <summary>The longest line a range can point into; the parser reads only this much of a longer line.</summary>
    public const int MaxLineLength = ushort.MaxValue;

    public static readonly TextRange None = default;

    private readonly ushort _start;
    private readonly ushort _length;

    public TextRange(int start, int length)
    {
        _start = (ushort)start;
        _length = (ushort)length;
    }

    public int Start => _start;

    public int Length => _length;

    public bool IsEmpty => _length == 0;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line) => _length == 0 ? default : line.Slice(_start, _length);

    /// <summary>Decodes the slice as UTF-8 (invalid bytes become U+FFFD); null when empty.</summary>
    public string? ToStringOrNull(ReadOnlySpan<byte> line) =>
        _length == 0 ? null : System.Text.Encoding.UTF8.GetString(line.Slice(_start, _length));
}
