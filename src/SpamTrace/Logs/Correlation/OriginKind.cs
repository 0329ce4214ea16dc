namespace SpamTrace.Logs.Correlation;

/// <summary>How a message entered this Postfix, as its first log lines tell.</summary>
public enum OriginKind : byte
{
    /// <summary>The log starts after the message was queued: its entry was not seen.</summary>
    Unknown = 0,
    /// <summary>Received by smtpd from a network client (authenticated or not).</summary>
    Smtp,
    /// <summary>Submitted locally through sendmail/postdrop and picked up by pickup (uid known).</summary>
    Pickup,
    /// <summary>Re-injected by a content filter (amavis on 10025): linked to its parent hop in the same chain.</summary>
    Reinjected,
    /// <summary>A notification Postfix generated itself (non-delivery, delay, success): see <see cref="MessageChain.CausedBy"/>.</summary>
    Notification,
    /// <summary>Re-sent by local(8) forwarding (.forward, aliases): see <see cref="MessageChain.CausedBy"/>.</summary>
    Forward,
}

/// <summary>Where a recipient's delivery went.</summary>
public enum HopKind : byte
{
    /// <summary>To another host over SMTP/LMTP: mail leaving the server.</summary>
    Remote = 0,
    /// <summary>Into a mailbox or program on this server (local, virtual, pipe, lmtp to the mailbox store).</summary>
    Local,
    /// <summary>To a content filter that queued it back under a new queue ID (amavis on 127.0.0.1:10024).</summary>
    ContentFilter,
    /// <summary>Discarded, or the error/retry agent (no delivery attempted).</summary>
    None,
}

/// <summary>How a queue file ended, as far as the log tells.</summary>
public enum MessageFate : byte
{
    /// <summary>No end seen: still queued when the log ends (or removed after it).</summary>
    Open = 0,
    /// <summary>qmgr: removed (delivered, bounced or handed on).</summary>
    Removed,
    /// <summary>Expired and returned to sender.</summary>
    Expired,
    /// <summary>postsuper -d.</summary>
    Deleted,
    /// <summary>Rejected or discarded by cleanup (header/body checks, milter) before it was queued.</summary>
    Rejected,
}
