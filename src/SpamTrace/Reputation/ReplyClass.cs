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
}
