using System.Net;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Logs.Query;

/// <summary>What `trace` looks for. The kind is guessed from the text, the way an admin would type it.</summary>
public enum QueryKind
{
    QueueId,
    MessageId,
    Address,
    ClientIp,
    SaslUser,
}

/// <summary>
/// Matches chains against one query: a queue ID, a Message-ID, an envelope address, a client IP or a
/// SASL username. Text without markers could be a queue ID or a login: both are tried.
/// </summary>
public sealed class ChainQuery
{
    private readonly string _text;
    /// <summary>The text without angle brackets in UTF-8, as Message-IDs are compared: as the log's bytes, not decoded.</summary>
    private readonly byte[] _bareUtf8;
    /// <summary>"[ip]", as an original client names it.</summary>
    private readonly string _bracketed;
    private readonly QueryKind[] _kinds;

    private ChainQuery(string text, QueryKind[] kinds)
    {
        _text = text;
        _bareUtf8 = System.Text.Encoding.UTF8.GetBytes(text.Trim('<', '>'));
        _bracketed = '[' + text + ']';
        _kinds = kinds;
    }

    public string Text => _text;
    public IReadOnlyList<QueryKind> Kinds => _kinds;

    public static ChainQuery Parse(string query)
    {
        var q = query.Trim();
        if (q.Length == 0)
        {
            throw new ArgumentException("the query is empty");
        }
        if (q.StartsWith('<') && q.EndsWith('>'))
        {
            var inner = q[1..^1];
            // "<>" and "<user@host>" are envelope addresses; "<id@host>" could be a Message-ID: try both.
            return new ChainQuery(inner, [QueryKind.MessageId, QueryKind.Address]);
        }
        if (IPAddress.TryParse(q, out _))
        {
            return new ChainQuery(q, [QueryKind.ClientIp]);
        }
        if (q.Contains('@'))
        {
            return new ChainQuery(q, [QueryKind.Address, QueryKind.SaslUser, QueryKind.MessageId]);
        }
        if (LooksLikeQueueId(q))
        {
            return new ChainQuery(q, [QueryKind.QueueId, QueryKind.SaslUser]);
        }
        return new ChainQuery(q, [QueryKind.SaslUser, QueryKind.MessageId]);
    }

    /// <summary>Short IDs are upper-case hex; long IDs (enable_long_queue_ids) mix letters and digits, 12+ long.</summary>
    public static bool LooksLikeQueueId(string s)
    {
        if (s.Length is < 5 or > 20)
        {
            return false;
        }
        var allHexUpper = s.All(c => c is (>= '0' and <= '9') or (>= 'A' and <= 'F'));
        return allHexUpper || (s.Length >= 12 && s.All(char.IsAsciiLetterOrDigit) && s.Any(char.IsAsciiDigit));
    }

    /// <remarks>Runs on every chain of the log: loops without LINQ, and comparisons that allocate nothing.</remarks>
    public bool Matches(MessageChain chain)
    {
        var hops = chain.Hops;
        foreach (var kind in _kinds)
        {
            for (var h = 0; h < hops.Count; h++)
            {
                if (Matches(hops[h], kind))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private bool Matches(MessageRecord r, QueryKind kind) => kind switch
    {
        QueryKind.QueueId => r.QueueId == _text || r.OrigQueueId == _text,
        QueryKind.MessageId => r.MessageIdUtf8 is { } id && id.AsSpan().Trim("<>"u8).SequenceEqual(_bareUtf8),
        QueryKind.Address => SameAddress(r.Sender) || SameAddress(r.SaslSender) || AnyRecipient(r),
        QueryKind.ClientIp => r.ClientIp == _text || (r.OrigClient?.Contains(_bracketed, StringComparison.Ordinal) ?? false),
        QueryKind.SaslUser => string.Equals(r.SaslUser, _text, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private bool AnyRecipient(MessageRecord r)
    {
        foreach (var x in r.Recipients)
        {
            if (SameAddress(x.Address) || SameAddress(x.OrigTo))
            {
                return true;
            }
        }
        return false;
    }

    private bool SameAddress(string? a) => a is not null && Bare(a).Equals(_text, StringComparison.OrdinalIgnoreCase);

    private static ReadOnlySpan<char> Bare(string s) => s.AsSpan().Trim("<>");
}
