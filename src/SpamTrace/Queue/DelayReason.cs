namespace SpamTrace.Queue;

/// <summary>
/// Splits a Postfix delay reason into what the classifier wants: the enhanced status code and the remote reply
/// ("host mx.example[192.0.2.1] said: 421 4.7.0 [TS03] ... (in reply to MAIL FROM command)" gives "4.7.0" and
/// "421 4.7.0 [TS03] ..."). Local failures ("connect to ...: Connection refused") keep their whole text.
/// Hand-written scanning: a flooded queue has one distinct reason per recipient (the remote IP varies), and this
/// runs for each of them.
/// </summary>
public static class DelayReason
{
    private const string Said = " said: ";
    private const string InReplyTo = " (in reply to ";

    public static (string? Dsn, string Reply) Split(string reason)
    {
        var reply = ReplyOf(reason.AsSpan());
        return (FindDsn(reply), reply.ToString());
    }

    private static ReadOnlySpan<char> ReplyOf(ReadOnlySpan<char> reason)
    {
        if (reason.StartsWith("host "))
        {
            var said = reason.IndexOf(Said);
            if (said > 0)
            {
                reason = reason[(said + Said.Length)..];
                var tail = reason.LastIndexOf(InReplyTo);
                if (tail >= 0 && reason.EndsWith(")"))
                {
                    reason = reason[..tail];
                }
            }
        }
        return reason;
    }

    /// <summary>The first enhanced status code (2.x.x, 4.x.x, 5.x.x) standing as a word.</summary>
    private static string? FindDsn(ReadOnlySpan<char> reply)
    {
        for (var i = 0; i + 4 < reply.Length; i++)
        {
            var c = reply[i];
            if (c is not ('2' or '4' or '5') || reply[i + 1] != '.' || (i > 0 && (char.IsAsciiLetterOrDigit(reply[i - 1]) || reply[i - 1] == '.')))
            {
                continue;
            }
            var j = i + 2;
            var first = Digits(reply, ref j);
            if (first is < 1 or > 3 || j >= reply.Length || reply[j] != '.') { continue; }
            j++;
            var second = Digits(reply, ref j);
            if (second is < 1 or > 3 || (j < reply.Length && (char.IsAsciiLetterOrDigit(reply[j]) || reply[j] == '.'))) { continue; }
            return reply[i..j].ToString();
        }
        return null;
    }

    private static int Digits(ReadOnlySpan<char> text, ref int at)
    {
        var start = at;
        while (at < text.Length && char.IsAsciiDigit(text[at])) { at++; }
        return at - start;
    }

    /// <summary>Longest grouping key, in chars (a cut key ends with an ellipsis).</summary>
    public const int MaxNormalizedLength = 141;

    /// <summary>A grouping key: the reply with IPv4 addresses masked and cut, so one provider's refusal is one row.</summary>
    public static string Normalize(string reason)
    {
        Span<char> buffer = stackalloc char[MaxNormalizedLength];
        return buffer[..Normalize(reason, buffer)].ToString();
    }

    /// <summary>Writes the grouping key into <paramref name="destination"/> (at least <see cref="MaxNormalizedLength"/> chars) without allocating.</summary>
    public static int Normalize(string reason, Span<char> destination)
    {
        var reply = ReplyOf(reason.AsSpan());
        var length = 0;
        var i = 0;
        while (i < reply.Length && length < MaxNormalizedLength - 2)
        {
            if (char.IsAsciiDigit(reply[i]) && (i == 0 || !char.IsAsciiLetterOrDigit(reply[i - 1]) && reply[i - 1] != '.') && Ipv4Length(reply[i..]) is var n && n > 0)
            {
                destination[length++] = 'I';
                destination[length++] = 'P';
                i += n;
                continue;
            }
            destination[length++] = reply[i++];
        }
        if (i < reply.Length)
        {
            destination[length++] = '…';
        }
        return length;
    }

    /// <summary>Length of a dotted quad at the start of <paramref name="text"/> (not followed by more digits or dots), else 0.</summary>
    private static int Ipv4Length(ReadOnlySpan<char> text)
    {
        var at = 0;
        for (var part = 0; part < 4; part++)
        {
            var digits = Digits(text, ref at);
            if (digits is < 1 or > 3) { return 0; }
            if (part < 3)
            {
                if (at >= text.Length || text[at] != '.') { return 0; }
                at++;
            }
        }
        return at < text.Length && (char.IsAsciiLetterOrDigit(text[at]) || text[at] == '.' && at + 1 < text.Length && char.IsAsciiDigit(text[at + 1])) ? 0 : at;
    }
}
