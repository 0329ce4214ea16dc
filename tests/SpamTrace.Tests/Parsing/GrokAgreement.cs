using System.Globalization;
using System.Text.Json;
using SpamTrace.Logs.Parsing;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Parsing;

/// <summary>
/// Compares the parser with postfix-grok-patterns' expected fields. Each case is a payload without its syslog
/// prefix and the grok pattern names the daemon, so the line is rebuilt as "Oct 26 18:13:50 host postfix/DAEMON[1]: DATA".
/// Only fields the parser fills for the line's kind are compared; an Unknown line counts every mapped field as a disagreement.
/// </summary>
internal sealed class GrokAgreement
{
    private readonly Dictionary<string, (int Compared, int Agreed)> _byField = [];
    private readonly List<string> _disagreements = [];
    private readonly List<string> _skipped = [];
    private readonly Dictionary<EventKind, int> _kinds = [];
    private int _notOurs;
    private int _onIgnoredLines;

    public int Compared => _byField.Values.Sum(v => v.Compared);
    public int Agreed => _byField.Values.Sum(v => v.Agreed);

    public void Check(JsonElement testCase)
    {
        var pattern = testCase.GetProperty("pattern").GetString()!;
        var data = testCase.GetProperty("data").GetString()!;
        var daemon = DaemonOf(pattern);
        if (daemon is null)
        {
            _skipped.Add($"{pattern} (a sub-pattern, not a log line): {data}");
            return;
        }
        var p = ParsedLine.Of($"Oct 26 18:13:50 host postfix/{daemon}[1]: {data}");
        _kinds[p.Kind] = _kinds.GetValueOrDefault(p.Kind) + 1;
        foreach (var field in testCase.GetProperty("results").EnumerateObject())
        {
            var expected = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
            if (field.Name == "postfix_keyvalue_data")
            {
                foreach (var (key, value) in KeyValues(expected))
                {
                    Compare(p, "kv:" + key, value, data);
                }
            }
            else
            {
                Compare(p, field.Name, expected, data);
            }
        }
    }

    private void Compare(ParsedLine p, string field, string expected, string data)
    {
        var ours = Ours(p, field, expected);
        if (ours is null)
        {
            _notOurs++; // not a field we parse (TLS cipher, scache hits, postscreen cache counts...)
            return;
        }
        if (p.Kind == EventKind.Ignored && ours.Value.Value is null)
        {
            _onIgnoredLines++; // we claim nothing about ignored lines beyond what we filled
            return;
        }
        bool agree = p.Kind != EventKind.Unknown && ours.Value.Agrees;
        var (c, a) = _byField.GetValueOrDefault(field);
        _byField[field] = (c + 1, a + (agree ? 1 : 0));
        if (!agree)
        {
            _disagreements.Add($"{field}: expected '{expected}', got '{ours.Value.Value}' ({p.Kind}) in: {data}");
        }
    }

    /// <summary>Our value for a grok field, and whether it agrees; null when the field is not one we parse.</summary>
    private static (string? Value, bool Agrees)? Ours(ParsedLine p, string field, string expected)
    {
        static (string?, bool) Eq(string? ours, string expected) => (ours, (ours ?? "") == expected);
        switch (field)
        {
            case "postfix_queueid":
                return expected == "NOQUEUE" ? (p.QueueId, p.QueueId is null) : Eq(p.QueueId, expected);
            case "postfix_client_ip":
                return Eq(p.ClientIp, expected);
            case "postfix_client_ip_unknown":
                return Eq(p.ClientIp, expected);
            case "postfix_client_hostname":
                return Eq(p.ClientName, expected);
            case "postfix_client_port":
                {
                    var port = p.Event.ClientPort == 0 ? null : p.Event.ClientPort.ToString(CultureInfo.InvariantCulture);
                    return (port, port == expected);
                }
            case "postfix_relay_hostname":
            case "postfix_relay_ip":
            case "postfix_relay_port":
                {
                    if (p.Kind is not (EventKind.Delivery or EventKind.SmtpProblem))
                    {
                        return null;
                    }
                    var part = RelayPart(p.Relay, field);
                    return Eq(part, expected);
                }
            case "postfix_status":
                {
                    var status = p.Event.Status.ToString().ToLowerInvariant();
                    var want = expected.StartsWith("undeliverable", StringComparison.Ordinal) ? "undeliverable" : expected;
                    return (status, status == want);
                }
            case "postfix_status_code":
                return (p.Code, p.Code is not null && p.Code.StartsWith(expected, StringComparison.Ordinal));
            case "postfix_status_code_enhanced":
                return (p.Code, p.Code is not null && p.Code.EndsWith(expected, StringComparison.Ordinal));
            case "postfix_status_message":
                return (p.Text, p.Text is not null && p.Text.EndsWith(expected, StringComparison.Ordinal));
            case "postfix_action":
                return Eq(p.Action, expected);
            case "postfix_milter_result":
                return Eq(p.Action, "milter-" + expected);
            case "postfix_smtp_stage":
                return p.Kind is EventKind.SmtpdReject or EventKind.SmtpProblem or EventKind.MilterAction ? Eq(p.Detail, expected) : null;
            case "postfix_message-id":
                return Eq(p.MessageId, expected);
            case "postfix_bounce_queueid":
                return Eq(p.OtherQueueId, expected);
            case "postfix_from":
                return Eq(p.From, expected);
            case "postfix_smtp_response":
            case "postfix_local_response":
            case "postfix_pipe_response":
            case "postfix_error_response":
                return Eq(p.Reply, expected);
            case "postfix_message_level":
                return p.Kind == EventKind.PostfixWarning ? Eq(p.Action, expected) : null;
            case "postfix_message":
                return p.Kind == EventKind.PostfixWarning ? Eq(p.Text, expected.Trim()) : null;
            case "postfix_postscreen_access":
            case "postfix_postscreen_violation":
                return Eq(p.Action, expected);
            case "postfix_postsuper_action":
                {
                    var kind = expected switch
                    {
                        "removed" => EventKind.PostsuperDelete,
                        "requeued" => EventKind.PostsuperRequeue,
                        "placed on hold" => EventKind.PostsuperHold,
                        "released from hold" => EventKind.PostsuperRelease,
                        _ => EventKind.Unknown,
                    };
                    return (p.Kind.ToString(), p.Kind == kind);
                }
            case "postfix_service":
                return p.Kind == EventKind.AnvilStatistics ? Eq(p.Detail, expected) : null;
            case "postfix_command_counter_data":
                return Eq(p.Text, expected);
            case "kv:from":
                return Eq(p.From, expected);
            case "kv:to":
                return Eq(p.To, expected);
            case "kv:orig_to":
                return Eq(p.OrigTo, expected);
            case "kv:relay":
                return Eq(p.Relay, expected);
            case "kv:delay":
                return Eq(p.Delay, expected);
            case "kv:delays":
                return Eq(p.Delays, expected);
            case "kv:dsn":
                return Eq(p.Dsn, expected);
            case "kv:proto":
                return Eq(p.Proto, expected);
            case "kv:helo":
                return Eq(p.Helo, expected);
            case "kv:size":
                return (p.Event.Size.ToString(CultureInfo.InvariantCulture), p.Event.Size.ToString(CultureInfo.InvariantCulture) == expected);
            case "kv:nrcpt":
                return (p.Event.Nrcpt.ToString(CultureInfo.InvariantCulture), p.Event.Nrcpt.ToString(CultureInfo.InvariantCulture) == expected);
            case "kv:uid":
                return (p.Event.Uid.ToString(CultureInfo.InvariantCulture), p.Event.Uid.ToString(CultureInfo.InvariantCulture) == expected);
            case "kv:client":
                {
                    var client = p.ClientIp is null ? null : $"{p.ClientName}[{p.ClientIp}]";
                    return Eq(client, expected);
                }
            default:
                return null;
        }
    }

    /// <summary>name, ip or port out of "name[ip]:port".</summary>
    private static string? RelayPart(string? relay, string field)
    {
        if (relay is null)
        {
            return null;
        }
        int open = relay.IndexOf('[');
        int close = relay.IndexOf(']');
        if (open < 0 || close < open)
        {
            return field.EndsWith("hostname", StringComparison.Ordinal) ? relay : null;
        }
        return field switch
        {
            "postfix_relay_hostname" => relay[..open],
            "postfix_relay_ip" => relay[(open + 1)..close],
            _ => close + 2 <= relay.Length ? relay[(close + 2)..] : null,
        };
    }

    /// <summary>Splits grok's key-value text ("to=&lt;a&gt;, relay=x, ..." or "from=&lt;a&gt; to=&lt;b&gt; proto=SMTP").</summary>
    private static IEnumerable<(string Key, string Value)> KeyValues(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ' ' || text[i] == ','))
            {
                i++;
            }
            int eq = text.IndexOf('=', i);
            if (eq < 0)
            {
                yield break;
            }
            var key = text[i..eq];
            int v = eq + 1;
            int end;
            string value;
            if (v < text.Length && text[v] == '<')
            {
                end = text.IndexOf('>', v);
                end = end < 0 ? text.Length : end;
                value = text[(v + 1)..end];
                end++;
            }
            else
            {
                end = text.IndexOfAny([' ', ','], v);
                end = end < 0 ? text.Length : end;
                value = text[v..end];
            }
            yield return (key, value);
            i = end;
        }
    }

    private static string? DaemonOf(string pattern) => pattern switch
    {
        "^%{POSTFIX_SMTPD}$" => "smtpd",
        "^%{POSTFIX_SMTP}$" => "smtp",
        "^%{POSTFIX_POSTSCREEN}$" => "postscreen",
        "^%{POSTFIX_CLEANUP}$" => "cleanup",
        "^%{POSTFIX_ANVIL}$" => "anvil",
        "^%{POSTFIX_POSTSUPER}$" => "postsuper",
        "^%{POSTFIX_QMGR}$" => "qmgr",
        "^%{POSTFIX_BOUNCE}$" => "bounce",
        "^%{POSTFIX_MASTER}$" => "master",
        "^%{POSTFIX_PIPE}$" => "pipe",
        "^%{POSTFIX_SCACHE}$" => "scache",
        "^%{POSTFIX_DNSBLOG}$" => "dnsblog",
        "^%{POSTFIX_LOCAL}$" => "local",
        "^%{POSTFIX_ERROR}$" => "error",
        "^%{POSTFIX_TLSPROXY}$" => "tlsproxy",
        "^%{POSTFIX_TRIVIAL_REWRITE}$" => "trivial-rewrite",
        "^%{POSTFIX_VERIFY}$" => "verify",
        "^%{POSTFIX_DISCARD}$" => "discard",
        "^%{POSTFIX_LMTP}$" => "lmtp",
        "^%{POSTFIX_PICKUP}$" => "pickup",
        "^%{POSTFIX_POSTDROP}$" => "postdrop",
        "^%{POSTFIX_POSTMAP}$" => "postmap",
        "^%{POSTFIX_SCRIPT}$" => "postfix-script",
        "^%{POSTFIX_SENDMAIL}$" => "sendmail",
        "^%{POSTFIX_TLSMGR}$" => "tlsmgr",
        "^%{POSTFIX_VIRTUAL}$" => "virtual",
        _ => null,
    };

    public void Report(ITestOutputHelper output)
    {
        output.WriteLine($"postfix-grok-patterns: {Agreed}/{Compared} field comparisons agree ({100.0 * Agreed / Math.Max(1, Compared):F2}%); "
            + $"not compared: {_notOurs} expected fields we do not parse, {_onIgnoredLines} fields of lines we classify Ignored, {_skipped.Count} sub-pattern cases");
        foreach (var (field, (c, a)) in _byField.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"    {field}: {a}/{c}");
        }
        output.WriteLine("  kinds: " + string.Join(", ", _kinds.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        foreach (var d in _disagreements)
        {
            output.WriteLine("  DISAGREE " + d);
        }
        foreach (var s in _skipped)
        {
            output.WriteLine("  skipped " + s);
        }
    }
}
