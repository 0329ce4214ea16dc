namespace SpamTrace.Logs.Parsing;

/// <summary>
/// One parsed log line. A wide struct of slices so that parsing a line allocates nothing: the parser
/// fills the fields its <see cref="Kind"/> documents and leaves the rest empty. All <see cref="TextRange"/>s
/// are relative to the line (see Reading.LogChunk.Line).
/// </summary>
public struct LogEvent
{
    // Where the line is.
    /// <summary>Offset of the line's first byte in the chunk buffer.</summary>
    public int LineStart;
    /// <summary>Length of the line without its line terminator.</summary>
    public int LineLength;
    /// <summary>1-based line number within its source file.</summary>
    public long LineNumber;

    // Syslog envelope.
    public LogTimestamp Time;
    public TextRange Host;
    /// <summary>The whole program tag: "postfix/submission/smtpd", "postfix-out/smtp", "dovecot", "amavis".</summary>
    public TextRange Program;
    /// <summary>The last path component of <see cref="Program"/>: "smtpd", "smtp", "cleanup".</summary>
    public TextRange Daemon;
    public int Pid;

    public EventKind Kind;
    /// <summary>The queue ID the line is about (short hex or long ID); empty for NOQUEUE and session lines.</summary>
    public TextRange QueueId;

    // Payload (meaning per kind, see EventKind).
    public TextRange ClientName;
    public TextRange ClientIp;
    public int ClientPort;
    public TextRange SaslMethod;
    public TextRange SaslUser;
    public TextRange SaslSender;
    /// <summary>XFORWARD: smtpd's orig_client=host[ip] of a re-injected message.</summary>
    public TextRange OrigClient;
    public TextRange From;
    public TextRange To;
    public TextRange OrigTo;
    public TextRange Relay;
    public TextRange Dsn;
    /// <summary>The text inside status=X (...): the remote server's answer or the local agent's note.</summary>
    public TextRange Reply;
    public TextRange Delay;
    public TextRange Delays;
    public DeliveryStatus Status;
    public TextRange MessageId;
    /// <summary>A second queue ID named by the line: "queued as X", "forwarded as X", orig_queue_id=X, notification: X, amavis queued_as.</summary>
    public TextRange OtherQueueId;
    public TextRange Helo;
    public TextRange Proto;
    /// <summary>The verb of a reject/cleanup/amavis/postscreen line: "reject", "hold", "info", "Passed"...</summary>
    public TextRange Action;
    /// <summary>SMTP reply code and enhanced status of a reject: "554 5.7.1".</summary>
    public TextRange Code;
    /// <summary>Free text: reject reason, header/body text, warning message, disconnect counters.</summary>
    public TextRange Text;
    /// <summary>Secondary text: smtpd reject stage ("RCPT"), cleanup action reason.</summary>
    public TextRange Detail;
    public long Size;
    public int Nrcpt;
    /// <summary>pickup uid, -1 when none.</summary>
    public int Uid;
    /// <summary>How many times the line stands for: N of rsyslog's "message repeated N times: [...]", else 1.</summary>
    public int Repeat;

    /// <summary>Resets every field so a pooled struct can be reused for the next line.</summary>
    public void Clear() => this = new LogEvent { Uid = -1, Size = -1, Nrcpt = -1, Repeat = 1 };
}
