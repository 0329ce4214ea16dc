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
    private readonly IReadOnlyList<QueryKind> _kinds;

    private ChainQuery(string text, IReadOnlyList<QueryKind> kinds)
    {
        _text = text;
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

    public bool Matches(MessageChain chain)
    {
        foreach (var kind in _kinds)
        {
            if (chain.Hops.Any(h => Matches(h, kind)))
            {
                return true;
            }
        }
        return false;
    }

    private bool Matches(MessageRecord r, QueryKind kind) => kind switch
    {
        QueryKind.QueueId => r.QueueId == _text || r.OrigQueueId == _text,
        QueryKind.MessageId => r.MessageId is { } id && (id == _text || id.Trim('<', '>') == _text.Trim('<', '>')),
        QueryKind.Address => SameAddress(r.Sender, _text) || SameAddress(r.SaslSender, _text)
            || r.Recipients.Any(x => SameAddress(x.Address, _text) || SameAddress(x.OrigTo, _text)),
        QueryKind.ClientIp => r.ClientIp == _text || (r.OrigClient?.Contains('[' + _text + ']', StringComparison.Ordinal) ?? false),
        QueryKind.SaslUser => string.Equals(r.SaslUser, _text, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    private static bool SameAddress(string? a, string b) =>
        a is not null && string.Equals(a.Trim('<', '>'), b, StringComparison.OrdinalIgnoreCase);
}
