using System.Text;

namespace SpamTrace.Logs.Correlation;

/// <summary>
/// Interns short values that repeat across millions of lines (listener, relay, dsn, agent, instance):
/// one string each instead of one per line, less garbage and less memory held by open messages.
/// </summary>
/// <remarks>Single-threaded: the correlator owns one.</remarks>
internal sealed class StringPool
{
    private const int MaxLength = 320;
    private const int MaxEntries = 50_000;

    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly char[] _chars = new char[MaxLength];
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool() => _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();

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
        // A reused buffer, not stackalloc: zeroing 640 chars per call was most of the correlator's time.
        var chars = _chars.AsSpan();
        var n = Encoding.UTF8.GetChars(utf8, chars);
        var key = chars[..n];
        if (_lookup.TryGetValue(key, out var found))
        {
            return found;
        }
        var s = key.ToString();
        if (_pool.Count < MaxEntries)
        {
            _pool[s] = s;
        }
        return s;
    }
}
