namespace SpamTrace.Logs.Parsing;

/// <summary>What one log line says. Which <see cref="LogEvent"/> fields are filled is documented per kind.</summary>
public enum EventKind : byte
{
    /// <summary>Not recognised: counted and sampled, never silently dropped.</summary>
    Unknown = 0,
    /// <summary>
    /// Recognised but carries nothing the analysis needs (master start, tls detail, statistics, -v traces, amavis and
    /// dovecot chatter...). smtpd session notes ("lost connection after AUTH from name[ip]") still fill ClientName/ClientIp.
    /// </summary>
    Ignored,

    // smtpd (any syslog_name: postfix/submission/smtpd, postfix-out/smtpd...)
    /// <summary>connect from host[ip]: ClientName, ClientIp (ClientPort when smtpd_client_port_logging adds one).</summary>
    SmtpdConnect,
    /// <summary>disconnect from host[ip] ... commands: ClientName, ClientIp, Text = the command counters.</summary>
    SmtpdDisconnect,
    /// <summary>QID: client=host[ip]:port, sasl_method=, sasl_username=, sasl_sender=, orig_queue_id=, orig_client=. ClientName, ClientIp, ClientPort, SaslMethod, SaslUser, SaslSender (without &lt;&gt;), OtherQueueId (orig_queue_id), OrigClient.</summary>
    SmtpdClient,
    /// <summary>
    /// NOQUEUE|QID: reject|reject_warning|milter-reject|discard|hold|filter|redirect|warn|bcc: STAGE from host[ip]: CODE DSN TEXT; from=&lt;&gt; to=&lt;&gt; proto= helo=.
    /// Action = the verb, Detail = the stage ("RCPT"), ClientName/ClientIp(/ClientPort for postscreen), Code ("554 5.7.1"), Text = the reason
    /// (with its "&lt;addr&gt;: " prefix), From, To, Proto, Helo. Also smtpd's before-queue proxy verdicts
    /// ("proxy-accept: END-OF-MESSAGE: 250 ... queued as X; from=..."; no client, OtherQueueId = X) and postscreen's
    /// "NOQUEUE: reject: RCPT from [ip]:port: ..." (Daemon = postscreen).
    /// </summary>
    SmtpdReject,
    /// <summary>warning: host[ip]: SASL METHOD authentication failed: ...; sasl_username=user. ClientName, ClientIp, SaslMethod, SaslUser, Text.</summary>
    SaslAuthFailed,

    /// <summary>pickup: QID: uid=N from=&lt;sender&gt;: Uid, From.</summary>
    PickupUid,
    /// <summary>cleanup: QID: message-id=&lt;id&gt; (also resent-message-id, then Action = "resent-message-id"): MessageId (inside the brackets; the raw value when unbracketed; empty for &lt;&gt;).</summary>
    CleanupMessageId,
    /// <summary>cleanup: QID: info|warning|reject|hold|discard|redirect|filter|replace|prepend: header|body TEXT from host[ip]; from=&lt;&gt; to=&lt;&gt; proto= helo=: reason. Action, Text (header/body text), ClientName, ClientIp, From, To, Helo, Proto, Detail (optional reason).</summary>
    CleanupAction,
    /// <summary>
    /// cleanup: milter-reject/milter-hold/milter-discard/milter-header-*. Header form: same fields as CleanupAction.
    /// Stage form ("milter-reject: END-OF-MESSAGE from host[ip]: 5.7.1 text; from=...") as SmtpdReject: Detail = stage, Code, Text.
    /// </summary>
    MilterAction,

    /// <summary>qmgr: QID: from=&lt;s&gt;, size=N, nrcpt=N (queue active): From, Size, Nrcpt.</summary>
    QmgrFrom,
    /// <summary>qmgr: QID: removed.</summary>
    QmgrRemoved,
    /// <summary>qmgr: QID: from=&lt;s&gt;, status=expired, returned to sender: From, Status = Expired.</summary>
    QmgrExpired,
    /// <summary>qmgr: QID: skipped, still being delivered.</summary>
    QmgrSkipped,

    /// <summary>
    /// smtp/lmtp/local/virtual/pipe/error/retry/discard: QID: to=&lt;r&gt;, orig_to=, relay=, conn_use=, delay=, delays=, dsn=, status=X (reply).
    /// To, OrigTo, Relay ("host[ip]:port", "local", "none"), Delay, Delays, Dsn, Status, Reply (inside the outer parentheses),
    /// OtherQueueId (after the last "queued as " / "forwarded as " in the reply: any MTA's, the correlator checks the relay is local).
    /// Also the same format from any other daemon (qmgr for dead transports, cleanup for address verification).
    /// </summary>
    Delivery,
    /// <summary>
    /// smtp: QID: host H[ip] said|refused to talk to me: TEXT: Relay ("H[ip]"), Reply (TEXT without "(in reply to X command)"),
    /// Code ("450 4.7.1"), Detail (the command, "RCPT TO"). QID: lost connection with|conversation with H[ip] ... while X: Relay,
    /// Reply (the whole message), Detail (X). "connect to H[ip]:25: Connection refused" (no QID): Relay with port, Reply.
    /// "SASL authentication failed; server H[ip] said: ...": Relay, Reply.
    /// </summary>
    SmtpProblem,

    /// <summary>bounce: QID: sender non-delivery notification: NEWID. OtherQueueId.</summary>
    BounceNotice,
    /// <summary>bounce: QID: sender delay notification: NEWID. OtherQueueId.</summary>
    DelayNotice,
    /// <summary>bounce: QID: sender delivery status notification: NEWID (DSN SUCCESS, trace). OtherQueueId.</summary>
    SuccessNotice,
    /// <summary>bounce: QID: postmaster non-delivery notification: NEWID. OtherQueueId.</summary>
    PostmasterNotice,

    /// <summary>postsuper: QID: placed on hold. Also counted summaries ("Placed on hold: N messages") as Ignored.</summary>
    PostsuperHold,
    /// <summary>postsuper: QID: released from hold.</summary>
    PostsuperRelease,
    /// <summary>postsuper: QID: requeued.</summary>
    PostsuperRequeue,
    /// <summary>postsuper: QID: removed.</summary>
    PostsuperDelete,

    /// <summary>anvil: statistics: max connection rate 5/60s for (smtp:1.2.3.4) at ... : ClientIp (or "unknown"), Detail (the service: "smtp", "127.0.0.1:2525"), Text ("max connection rate 5/60s").</summary>
    AnvilStatistics,

    /// <summary>postscreen: CONNECT/PASS NEW/PASS OLD/DNSBL/PREGREET/HANGUP/COMMAND ... LIMIT/WHITELISTED/DISCONNECT...: ClientIp, ClientPort, Action (the upper-case verb), Text (the whole message). postscreen's NOQUEUE reject is an SmtpdReject.</summary>
    PostscreenEvent,

    /// <summary>amavis: (ID) Passed|Blocked CATEGORY {...}, [ip]:port &lt;from&gt; -&gt; &lt;to&gt;,..., Queue-ID: QID, Message-ID: &lt;id&gt;, ..., queued_as: NEWID. QueueId (the parent), OtherQueueId (queued_as), From, To (the address for one recipient, else the raw "&lt;a&gt;,&lt;b&gt;" list), ClientPort, ClientIp, MessageId, Action ("Passed"/"Blocked"), Text (category).</summary>
    AmavisResult,

    /// <summary>dovecot: auth: driver(user,ip[,&lt;session&gt;]): password mismatch|unknown user|...failed; *-login: ... (auth failed, N attempts ...): user=&lt;u&gt;, rip=ip: SaslUser, ClientIp, Text.</summary>
    DovecotAuthFailure,
    /// <summary>dovecot: imap-login|pop3-login|submission-login: Login: user=&lt;u&gt;, ..., rip=ip: SaslUser, ClientIp, Text ("Login").</summary>
    DovecotLogin,

    /// <summary>
    /// Any other postfix warning/fatal/panic/error line: Action = the level ("warning"), Text = the message (after the queue ID),
    /// QueueId when it starts with one; for smtpd/postscreen ClientName/ClientIp when the warning names a client.
    /// </summary>
    PostfixWarning,

    // Appended after the first release of this enum: never reorder the members above.
    /// <summary>
    /// A line of a program that is neither Postfix, amavis nor dovecot (sshd, CRON, kernel, roundcube, sendmail...)
    /// sharing the mail log. Its envelope (Time, Host, Program, Pid) is filled; it is not counted as unknown.
    /// </summary>
    Foreign,
}

/// <summary>The status= of a delivery line.</summary>
public enum DeliveryStatus : byte
{
    None = 0,
    Sent,
    Deferred,
    Bounced,
    Expired,
    /// <summary>Address verification / sendmail -bv: deliverable.</summary>
    Deliverable,
    Undeliverable,
    SoftBounce,
    Other,
}
