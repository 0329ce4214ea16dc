namespace SpamTrace.Logs.Correlation;

public enum SessionEventKind : byte
{
    /// <summary>smtpd refused a command before any queue file existed (NOQUEUE reject/discard...).</summary>
    Reject,
    /// <summary>A SASL authentication failure logged by smtpd.</summary>
    SaslAuthFailed,
    /// <summary>A failed login logged by Dovecot (auth or *-login).</summary>
    DovecotAuthFailed,
    /// <summary>A successful login logged by Dovecot.</summary>
    DovecotLogin,
    /// <summary>smtpd connect.</summary>
    Connect,
    /// <summary>postscreen verdicts.</summary>
    Postscreen,
}

/// <summary>A log event about a client session rather than a queued message.</summary>
public sealed class SessionEvent
{
    public required SessionEventKind Kind { get; init; }
    public required string Host { get; init; }
    public DateTime TimeUtc { get; init; }
    public string? Listener { get; init; }
    public string? ClientName { get; init; }
    public string? ClientIp { get; init; }
    public string? SaslUser { get; init; }
    public string? SaslMethod { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Helo { get; init; }
    /// <summary>reject/discard/hold... for rejects; postscreen verb.</summary>
    public string? Action { get; init; }
    /// <summary>"554 5.7.1".</summary>
    public string? Code { get; init; }
    /// <summary>The reason text ("Relay access denied", "authentication failed: ...").</summary>
    public string? Text { get; init; }
    /// <summary>The SMTP stage of a reject: RCPT, MAIL, DATA, END-OF-MESSAGE...</summary>
    public string? Stage { get; init; }
    /// <summary>The queue ID when the reject came after one was assigned.</summary>
    public string? QueueId { get; init; }
    /// <summary>How many events the line stands for: rsyslog logs "message repeated N times: [...]" for N identical ones.</summary>
    public int Count { get; init; } = 1;
}
