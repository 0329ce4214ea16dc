using System.Text.RegularExpressions;
using SpamTrace.Reputation;

namespace SpamTrace.Queue;

/// <summary>
/// Splits a Postfix delay reason into what the classifier wants: the enhanced status code and the remote reply
/// ("host mx.example[192.0.2.1] said: 421 4.7.0 [TS03] ... (in reply to MAIL FROM command)" gives "4.7.0" and
/// "421 4.7.0 [TS03] ..."). Local failures ("connect to ...: Connection refused") keep their whole text.
/// </summary>
public static partial class DelayReason
{
    [GeneratedRegex(@"^host \S+ said: (?<reply>.*?)(?: \(in reply to [^)]*\))?$", RegexOptions.Singleline)]
    private static partial Regex RemoteReply();

    [GeneratedRegex(@"\b(?<dsn>[245]\.\d{1,3}\.\d{1,3})\b")]
    private static partial Regex EnhancedCode();

    [GeneratedRegex(@"\b\d{1,3}(?:\.\d{1,3}){3}\b")]
    private static partial Regex Ipv4();

    public static (string? Dsn, string Reply) Split(string reason)
    {
        var remote = RemoteReply().Match(reason);
        var reply = remote.Success ? remote.Groups["reply"].Value : reason;
        var dsn = EnhancedCode().Match(reply);
        return (dsn.Success ? dsn.Groups["dsn"].Value : null, reply);
    }

    /// <summary>A grouping key: the reply with addresses masked and cut, so one provider's refusal is one row.</summary>
    public static string Normalize(string reason)
    {
        var (_, reply) = Split(reason);
        var masked = Ipv4().Replace(reply, "IP");
        return masked.Length <= 140 ? masked : masked[..140] + "…";
    }

    /// <summary>The default classifier, until the diagnose engine's reply table is wired in.</summary>
    public static ReplyVerdict Unclassified(string? dsn, string reply) => ReplyVerdict.Unclassified;
}
