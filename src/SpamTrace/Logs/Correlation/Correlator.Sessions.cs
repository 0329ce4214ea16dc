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
            // Session lines repeat their values (a guessing client, its login names, the same reject): shared strings.
            Listener = _pool.Get(ev.Program.Of(line)),
            ClientName = _values.Get(ev.ClientName.Of(line)),
            ClientIp = _values.Get(ev.ClientIp.Of(line)),
            SaslUser = _values.Get(ev.SaslUser.Of(line)),
            SaslMethod = _pool.Get(ev.SaslMethod.Of(line)),
            From = _values.Get(ev.From.Of(line)),
            To = _values.Get(ev.To.Of(line)),
            Helo = _values.Get(ev.Helo.Of(line)),
            Action = _values.Get(ev.Action.Of(line)),
            Code = _pool.Get(ev.Code.Of(line)),
            Text = _replies.Get(ev.Text.Of(line)),
            Stage = _pool.Get(ev.Detail.Of(line)),
            QueueId = Str(line, ev.QueueId),
            Count = ev.Repeat,
        });
    }
}
