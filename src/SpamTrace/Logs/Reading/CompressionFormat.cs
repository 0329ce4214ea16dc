namespace SpamTrace.Logs.Reading;

/// <summary>How a log is stored, told by its first bytes (rotated logs are not always named after their compression).</summary>
public enum CompressionFormat
{
    None,
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

internal static class CompressionMagic
{
    /// <summary>The longest magic number below.</summary>
    public const int MaxLength = 6;

    public static CompressionFormat Detect(ReadOnlySpan<byte> head) => head switch
    {
        [0x1f, 0x8b, ..] => CompressionFormat.Gzip,
        [(byte)'B', (byte)'Z', (byte)'h', >= (byte)'1' and <= (byte)'9', ..] => CompressionFormat.Bzip2,
        [0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00, ..] => CompressionFormat.Xz,
        [0x28, 0xb5, 0x2f, 0xfd, ..] => CompressionFormat.Zstd,
        _ => CompressionFormat.None,
    };

    public static string Name(CompressionFormat format) => format switch
    {
        CompressionFormat.Gzip => "gzip",
        CompressionFormat.Bzip2 => "bzip2",
        CompressionFormat.Xz => "xz",
        CompressionFormat.Zstd => "zstd",
        _ => "plain",
    };
}
