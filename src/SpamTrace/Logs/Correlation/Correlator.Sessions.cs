using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Correlation;

public sealed partial class Correlator
{
    private void HandleSession(HostState host, ReadOnlySpan<byte> line, in LogEvent ev, long ticks)
    {
        var time = new DateTime(ticks, DateTimeKind.Utc);
        if ((_options.SinceUtc is { } since && time < since) || (_options.UntilUtc is { } until && time >= until))
        {
            return;
        }
        SessionEventKind kind;
        switch (ev.Kind)
        {
            case EventKind.SmtpdReject:
                kind = SessionEventKind.Reject;
                break;
            case EventKind.SaslAuthFailed:
                kind = SessionEventKind.SaslAuthFailed;
                break;
            case EventKind.DovecotAuthFailure:
                kind = SessionEventKind.DovecotAuthFailed;
                break;
            case EventKind.DovecotLogin:
                kind = SessionEventKind.DovecotLogin;
                break;
            case EventKind.PostscreenEvent:
                // Connects and passes are noise at the volume postscreen logs them; keep the verdicts.
                var verb = ev.Action.Of(line);
                if (verb.StartsWith("CONNECT"u8) || verb.StartsWith("PASS"u8) || verb.StartsWith("DISCONNECT"u8))
                {
                    return;
                }
                kind = SessionEventKind.Postscreen;
                break;
            default:
                return;
        }
        _observer.OnSessionEvent(new SessionEvent
        {
            Kind = kind,
            Host = host.Name,
            TimeUtc = time,
            Listener = Str(line, ev.Program),
            ClientName = Str(line, ev.ClientName),
            ClientIp = Str(line, ev.ClientIp),
            SaslUser = Str(line, ev.SaslUser),
            SaslMethod = Str(line, ev.SaslMethod),
            From = Str(line, ev.From),
            To = Str(line, ev.To),
            Helo = Str(line, ev.Helo),
            Action = Str(line, ev.Action),
            Code = Str(line, ev.Code),
            Text = Str(line, ev.Text),
            Stage = Str(line, ev.Detail),
            QueueId = Str(line, ev.QueueId),
        });
    }
}
