namespace SpamTrace.Logs.Correlation;

/// <summary>
/// Byte-array keys compared by content, and looked up by span (<c>GetAlternateLookup&lt;ReadOnlySpan&lt;byte&gt;&gt;</c>)
/// so that a lookup with a slice of a log line copies nothing: for tables keyed by the log's UTF-8 bytes.
/// </summary>
internal sealed class Utf8KeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
{
    public static readonly Utf8KeyComparer Instance = new();

    public bool Equals(byte[]? x, byte[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

    public int GetHashCode(byte[] key) => Utf8Hash.Of(key);

    public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Utf8Hash.Of(alternate);

    public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
}
