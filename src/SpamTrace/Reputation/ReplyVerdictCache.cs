using System.Buffers;

namespace SpamTrace.Reputation;

/// <summary>
/// Classifies many replies fast: a receiver refuses thousands of recipients with the same words, differing only in the
/// address (&lt;...&gt;) and the host's IP ([192.0.2.1]). Those parts are blanked to form the key, looked up by span (no
/// allocation on a hit); the classifier runs once per distinct wording. Bounded; not thread-safe.
/// </summary>
public sealed class ReplyVerdictCache(int capacity = 20_000)
{
    private const int MaxKeyChars = 1024;
    private readonly Dictionary<string, ReplyVerdict> _verdicts = new(StringComparer.Ordinal);

    public int Count => _verdicts.Count;

    public ReplyVerdict Classify(string? dsn, string? reply)
    {
        var length = (dsn?.Length ?? 0) + 1 + Math.Min(reply?.Length ?? 0, MaxKeyChars);
        var rented = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var key = rented.AsSpan(0, Normalize(dsn, reply, rented));
            var lookup = _verdicts.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.TryGetValue(key, out var known))
            {
                return known;
            }
            var verdict = ReplyClassifier.Classify(dsn, reply);
            if (_verdicts.Count < capacity)
            {
                _verdicts[key.ToString()] = verdict;
            }
            return verdict;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>dsn, a separator, then the reply with the insides of &lt;...&gt; and of IP-like [...] left out.</summary>
    private static int Normalize(string? dsn, string? reply, Span<char> into)
    {
        var n = 0;
        foreach (var c in dsn ?? "")
        {
            into[n++] = c;
        }
        into[n++] = '\u0001';
        var text = (reply ?? "").AsSpan();
        if (text.Length > MaxKeyChars)
        {
            text = text[..MaxKeyChars];
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            into[n++] = c;
            var close = c switch
            {
                '<' => '>',
                // Rule codes such as [TS03] stay; only bracketed addresses ([192.0.2.1], [IPv6:...]) are blanked.
                '[' when i + 1 < text.Length && (char.IsAsciiDigit(text[i + 1]) || text[(i + 1)..].StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase)) => ']',
                _ => '\0',
            };
            if (close != '\0')
            {
                var end = text[(i + 1)..].IndexOf(close);
                if (end >= 0)
                {
                    i += end;
                }
            }
        }
        return n;
    }
}
