using System.Text;

namespace SpamTrace.Logs.Correlation;

/// <summary>
/// Interns short values that repeat across millions of lines (listener, relay, dsn, agent, instance):
/// one string each instead of one per line, less garbage and less memory held by open messages.
/// Looked up by the line's UTF-8 bytes, so a hit decodes nothing.
/// </summary>
/// <remarks>Single-threaded: the correlator owns one.</remarks>
internal sealed class StringPool
{
    private const int MaxLength = 320;
    private const int MaxEntries = 50_000;

    private readonly Dictionary<byte[], string> _values;
    private readonly Dictionary<byte[], string>.AlternateLookup<ReadOnlySpan<byte>> _byBytes;

    public StringPool()
    {
        _values = new Dictionary<byte[], string>(1024, Utf8KeyComparer.Instance);
        _byBytes = _values.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public string? Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty)
        {
            return null;
        }
        if (utf8.Length > MaxLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        if (_byBytes.TryGetValue(utf8, out var known))
        {
            return known;
        }
        var s = Encoding.UTF8.GetString(utf8);
        if (_values.Count < MaxEntries)
        {
            _byBytes[utf8] = s;
        }
        return s;
    }
}
