namespace SpamTrace.Logs.Parsing;

/// <summary>A slice of one log line (offsets relative to the line's first byte), so parsing allocates nothing.</summary>
public readonly record struct TextRange(int Start, int Length)
{
    public static readonly TextRange None = new(0, 0);

    public bool IsEmpty => Length == 0;

    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line) => Length == 0 ? default : line.Slice(Start, Length);

    /// <summary>Decodes the slice as UTF-8 (invalid bytes become U+FFFD); null when empty.</summary>
    public string? ToStringOrNull(ReadOnlySpan<byte> line) =>
        Length == 0 ? null : System.Text.Encoding.UTF8.GetString(line.Slice(Start, Length));
}
