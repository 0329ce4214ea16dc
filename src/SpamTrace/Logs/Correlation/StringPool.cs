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

    private int[] _buckets = new int[1024];
    private Entry[] _entries = new Entry[768];
    private int _count;

    private struct Entry
    {
        public int Hash;
        /// <summary>Index of the next entry in the bucket's chain, plus one (0 ends it).</summary>
        public int Next;
        public byte[] Utf8;
        public string Value;
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
        var hash = Utf8Hash.Of(utf8);
        for (var i = _buckets[hash & (_buckets.Length - 1)]; i > 0;)
        {
            ref var e = ref _entries[i - 1];
            if (e.Hash == hash && utf8.SequenceEqual(e.Utf8))
            {
                return e.Value;
            }
            i = e.Next;
        }
        var s = Encoding.UTF8.GetString(utf8);
        if (_count < MaxEntries)
        {
            Add(hash, utf8.ToArray(), s);
        }
        return s;
    }

    private void Add(int hash, byte[] utf8, string value)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
            _buckets = new int[_buckets.Length * 2];
            for (var i = 0; i < _count; i++)
            {
                ref var e = ref _entries[i];
                var b = e.Hash & (_buckets.Length - 1);
                e.Next = _buckets[b];
                _buckets[b] = i + 1;
            }
        }
        var bucket = hash & (_buckets.Length - 1);
        _entries[_count] = new Entry { Hash = hash, Next = _buckets[bucket], Utf8 = utf8, Value = value };
        _buckets[bucket] = ++_count;
    }
}
