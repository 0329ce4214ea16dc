namespace SpamTrace.Reputation;

/// <summary>Why a receiver deferred or refused mail, in sisimai's reason vocabulary.</summary>
public enum ReplyClass
{
    /// <summary>Not classified.</summary>
    Undefined = 0,
    /// <summary>Refused because of the sending IP (blocklist, no reputation).</summary>
    Blocked,
    /// <summary>Refused for the sender's (IP or domain) bad reputation.</summary>
    BadReputation,
    /// <summary>The content was judged spam.</summary>
    SpamDetected,
    /// <summary>The sending IP has no (matching) reverse DNS.</summary>
    RequirePtr,
    /// <summary>SPF/DKIM/DMARC failure.</summary>
    AuthFailure,
    /// <summary>Too many connections.</summary>
    TooManyConn,
    /// <summary>Rate limited: sending too fast.</summary>
    Speeding,
    /// <summary>The recipient does not exist.</summary>
    UserUnknown,
    MailboxFull,
    HostUnknown,
    /// <summary>The destination accepts no mail (null MX).</summary>
    NotAccept,
    /// <summary>Refused by the receiver's policy for another reason.</summary>
    PolicyViolation,
    /// <summary>The envelope sender was refused.</summary>
    Rejected,
    /// <summary>The mailbox is disabled or suspended.</summary>
    Suspend,
    /// <summary>Gave up after the queue lifetime.</summary>
    Expired,
    SystemError,
    NetworkError,
    MesgTooBig,
    ContentError,
    SecurityError,
    /// <summary>A temporary refusal such as greylisting.</summary>
    Greylisted,
    /// <summary>Refused by a content or header filter of the receiver.</summary>
    Filtered,
    /// <summary>The receiver refused to relay for us.</summary>
    NoRelaying,
    /// <summary>The recipient's own limit (message count, size quota of a list) was exceeded.</summary>
    ExceedLimit,
    /// <summary>The receiver found a virus.</summary>
    VirusDetected,
    /// <summary>A syntax error in the SMTP dialogue.</summary>
    SyntaxError,
    /// <summary>The recipient has moved (a forwarding address is given).</summary>
    HasMoved,
    /// <summary>The remote host required STARTTLS and it failed.</summary>
    FailedStartTls,
    /// <summary>The message does not comply with the RFCs (headers, line length).</summary>
    NotCompliantRfc,
    /// <summary>A local delivery program (pipe, procmail) failed.</summary>
    MailerError,
    /// <summary>The receiving system is out of disk space.</summary>
    SystemFull,
}
