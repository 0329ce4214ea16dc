using System.Buffers;
using System.Text;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Reputation;

/// <summary>
/// Classifies many replies fast: a receiver refuses thousands of recipients with the same words, differing only in the
/// address (&lt;...&gt;), the host's IP ([192.0.2.1]) and the receiver's own transaction ID (Gmail ends every reply
/// with one: "a640c23a62f3a-069be0e90cd6si526139.126 - gsmtp"). Those parts are blanked to form the key, which is
/// looked up by the reply's UTF-8 bytes as the log had them: a hit decodes nothing and allocates nothing. The classifier
/// runs once per distinct wording. Bounded; not thread-safe.
/// </summary>
public sealed class ReplyVerdictCache
{
    private const int MaxKeyBytes = 1024;
    /// <summary>
    /// A word this long with a digit in it may be an ID (a transaction, a queue file, an IP in a URL), never a rule:
    /// status codes ("5.7.606"), rule codes ("TS03", "S3150") and "550-5.1.1" are shorter. See <see cref="IsId"/>.
    /// </summary>
    private const int MinIdLength = 12;

    private static readonly SearchValues<byte> Letters = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"u8);

    private readonly Dictionary<byte[], ReplyVerdict> _verdicts = new(Utf8KeyComparer.Instance);
    private readonly Dictionary<byte[], ReplyVerdict>.AlternateLookup<ReadOnlySpan<byte>> _byKey;
    // The last reply array and its verdict: the correlator hands out equal replies as one array (a receiver's refusal
    // without the recipient in it, repeated for every recipient it defers), and the same array needs no key at all.
    private byte[]? _lastReply;
    private string? _lastDsn;
    private ReplyVerdict? _lastVerdict;

    private readonly int _capacity;

    public ReplyVerdictCache(int capacity = 20_000)
    {
        _capacity = capacity;
        _byKey = _verdicts.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    public int Count => _verdicts.Count;

    public ReplyVerdict Classify(string? dsn, string? reply)
    {
        reply ??= "";
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(reply.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(reply, rented);
            return Classify(dsn, rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Classifies a reply given as the log's UTF-8 bytes (no reply and an empty one are the same).</summary>
    public ReplyVerdict Classify(string? dsn, byte[]? reply)
    {
        if (_lastVerdict is not null && ReferenceEquals(reply, _lastReply) && string.Equals(dsn, _lastDsn, StringComparison.Ordinal))
        {
            return _lastVerdict;
        }
        var verdict = Classify(dsn, reply.AsSpan());
        (_lastReply, _lastDsn, _lastVerdict) = (reply, dsn, verdict);
        return verdict;
    }

    public ReplyVerdict Classify(string? dsn, ReadOnlySpan<byte> reply)
    {
        if (reply.Length > MaxKeyBytes)
        {
            // The classifier reads further than a key holds: two long texts with one beginning may differ after it.
            return ReplyClassifier.Classify(dsn, Encoding.UTF8.GetString(reply));
        }
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(dsn?.Length ?? 0) + 1 + reply.Length);
        try
        {
            var key = rented.AsSpan(0, Normalize(dsn, reply, rented));
            if (_byKey.TryGetValue(key, out var known))
            {
                return known;
            }
            var verdict = ReplyClassifier.Classify(dsn, Encoding.UTF8.GetString(reply));
            if (_verdicts.Count < _capacity)
            {
                _byKey[key] = verdict;
            }
            return verdict;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// dsn, a separator, then the reply with the insides of &lt;...&gt; and of IP-like [...] left out and long IDs
    /// replaced by '#'.
    /// </summary>
    private static int Normalize(string? dsn, ReadOnlySpan<byte> reply, Span<byte> into)
    {
        var n = Encoding.UTF8.GetBytes(dsn ?? "", into);
        into[n++] = 1;
        var wordStart = -1;
        for (var i = 0; i < reply.Length; i++)
        {
            var c = reply[i];
            if (IsWordByte[c])
            {
                if (wordStart < 0)
                {
                    wordStart = i;
                }
                continue;
            }
            if (wordStart >= 0)
            {
                n = CopyWord(reply[wordStart..i], into, n);
                wordStart = -1;
            }
            into[n++] = c;
            var close = c switch
            {
                (byte)'<' => (byte)'>',
                // Rule codes such as [TS03] stay; only bracketed addresses ([192.0.2.1], [IPv6:...]) are blanked.
                (byte)'[' when i + 1 < reply.Length && (char.IsAsciiDigit((char)reply[i + 1]) || reply[(i + 1)..].StartsWith("IPv6:"u8)) => (byte)']',
                _ => (byte)0,
            };
            if (close != 0)
            {
                var end = reply[(i + 1)..].IndexOf(close);
                if (end >= 0)
                {
                    // On to the closing bracket, which is copied like any other separator.
                    i += end;
                }
            }
        }
        return wordStart >= 0 ? CopyWord(reply[wordStart..], into, n) : n;
    }

    /// <summary>A word (letters, digits, '.', '-', '_') copied whole, or '#' for an ID.</summary>
    private static int CopyWord(ReadOnlySpan<byte> word, Span<byte> into, int n)
    {
        if (IsId(word))
        {
            into[n] = (byte)'#';
            return n + 1;
        }
        word.CopyTo(into[n..]);
        return n + word.Length;
    }

    private static readonly bool[] IsWordByte = CreateWordTable();

    private static bool[] CreateWordTable()
    {
        var table = new bool[256];
        foreach (var c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-"u8)
        {
            table[c] = true;
        }
        return table;
    }

    /// <summary>
    /// An ID: long, with a digit, and no dot-separated part made of letters alone. Gmail's
    /// "a640c23a62f3a-069be0e90cd6si526139.126" and a queue ID are IDs; host and list names such as
    /// "mta1047.mail.gq1.yahoo.com" or "dnsbl-1.uceprotect.net" are not, because they name who refused.
    /// </summary>
    private static bool IsId(ReadOnlySpan<byte> word)
    {
        if (word.Length < MinIdLength || word.IndexOfAnyInRange((byte)'0', (byte)'9') < 0)
        {
            return false;
        }
        foreach (var range in word.Split((byte)'.'))
        {
            var part = word[range];
            if (part.Length >= 2 && part.IndexOfAnyExcept(Letters) < 0)
            {
                return false;
            }
        }
        return true;
    }
}
