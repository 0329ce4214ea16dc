using System.Text;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Parsing;

/// <summary>One line run through the parser the way the reader does it, with string accessors for assertions.</summary>
internal sealed class ParsedLine
{
    private readonly byte[] _bytes;
    private readonly LogEvent _ev;

    private ParsedLine(byte[] bytes, LogEvent ev, bool envelope)
    {
        _bytes = bytes;
        _ev = ev;
        EnvelopeOk = envelope;
    }

    public static ParsedLine Of(string line) => Of(Encoding.UTF8.GetBytes(line));

    public static ParsedLine Of(byte[] bytes)
    {
        var ev = default(LogEvent);
        ev.Clear();
        bool ok = PostfixLineParser.Parse(bytes, ref ev);
        return new ParsedLine(bytes, ev, ok);
    }

    public bool EnvelopeOk { get; }
    public LogEvent Event => _ev;
    public EventKind Kind => _ev.Kind;

    public string? S(TextRange r) => r.ToStringOrNull(_bytes);

    public string? Host => S(_ev.Host);
    public string? Program => S(_ev.Program);
    public string? Daemon => S(_ev.Daemon);
    public string? QueueId => S(_ev.QueueId);
    public string? ClientName => S(_ev.ClientName);
    public string? ClientIp => S(_ev.ClientIp);
    public string? SaslMethod => S(_ev.SaslMethod);
    public string? SaslUser => S(_ev.SaslUser);
    public string? SaslSender => S(_ev.SaslSender);
    public string? OrigClient => S(_ev.OrigClient);
    public string? From => S(_ev.From);
    public string? To => S(_ev.To);
    public string? OrigTo => S(_ev.OrigTo);
    public string? Relay => S(_ev.Relay);
    public string? Dsn => S(_ev.Dsn);
    public string? Reply => S(_ev.Reply);
    public string? Delay => S(_ev.Delay);
    public string? Delays => S(_ev.Delays);
    public string? MessageId => S(_ev.MessageId);
    public string? OtherQueueId => S(_ev.OtherQueueId);
    public string? Helo => S(_ev.Helo);
    public string? Proto => S(_ev.Proto);
    public string? Action => S(_ev.Action);
    public string? Code => S(_ev.Code);
    public string? Text => S(_ev.Text);
    public string? Detail => S(_ev.Detail);

    /// <summary>Every range of the event lies inside the line (the invariant robustness tests check).</summary>
    public bool RangesInside()
    {
        foreach (var r in new[]
        {
            _ev.Host, _ev.Program, _ev.Daemon, _ev.QueueId, _ev.ClientName, _ev.ClientIp, _ev.SaslMethod, _ev.SaslUser,
            _ev.SaslSender, _ev.OrigClient, _ev.From, _ev.To, _ev.OrigTo, _ev.Relay, _ev.Dsn, _ev.Reply, _ev.Delay,
            _ev.Delays, _ev.MessageId, _ev.OtherQueueId, _ev.Helo, _ev.Proto, _ev.Action, _ev.Code, _ev.Text, _ev.Detail,
        })
        {
            if (r.Length < 0 || r.Start < 0 || r.Start + r.Length > _bytes.Length)
            {
                return false;
            }
        }
        return true;
    }
}
