namespace SpamTrace.Logs.Correlation;

/// <summary>A note cleanup logged for a message: header/body checks and milter actions.</summary>
public sealed record CleanupNote(string Action, string Text, DateTime TimeUtc);

/// <summary>A raw log line kept for `trace --raw`.</summary>
public sealed record SourceLine(string Path, long LineNumber, DateTime TimeUtc, string Text);

/// <summary>Everything the log says about one queue file on one host.</summary>
public sealed class MessageRecord
{
    public required string Host { get; init; }
    public required string QueueId { get; init; }
    /// <summary>The syslog name prefix of the instance that logged it: "postfix", "postfix-out".</summary>
    public string? Instance { get; set; }
    public DateTime FirstSeenUtc { get; set; }
    public DateTime LastSeenUtc { get; set; }

    public OriginKind Origin { get; set; }
    /// <summary>The smtpd service that received it: "postfix/submission/smtpd", "postfix/smtpd".</summary>
    public string? Listener { get; set; }
    public string? ClientName { get; set; }
    public string? ClientIp { get; set; }
    public int? ClientPort { get; set; }
    public string? SaslMethod { get; set; }
    public string? SaslUser { get; set; }
    public string? SaslSender { get; set; }
    public string? Helo { get; set; }
    /// <summary>XFORWARD attributes of a re-injected message.</summary>
    public string? OrigQueueId { get; set; }
    public string? OrigClient { get; set; }
    /// <summary>pickup's uid= for locally submitted mail.</summary>
    public int? Uid { get; set; }

    public string? Sender { get; set; }
    public string? MessageId
    {
        get => _messageId.Text;
        set => _messageId.Set(value);
    }
    public long? Size { get; set; }
    public int? Nrcpt { get; set; }

    public List<RecipientResult> Recipients { get; } = [];
    /// <summary>header/body checks and milter actions cleanup logged (most messages have none: the list is made on the first).</summary>
    public IReadOnlyList<CleanupNote> Notes => _notes ?? (IReadOnlyList<CleanupNote>)[];

    /// <summary>The content-filter hop this record was re-injected from (same chain).</summary>
    public string? ParentQueueId { get; set; }
    /// <summary>Notifications Postfix generated for this message (non-delivery, delay, success): their queue IDs.</summary>
    public IReadOnlyList<string> NotificationQueueIds => _notifications ?? (IReadOnlyList<string>)[];
    /// <summary>Messages local(8) forwarded this one as.</summary>
    public IReadOnlyList<string> ForwardedQueueIds => _forwards ?? (IReadOnlyList<string>)[];

    public MessageFate Fate { get; set; }
    /// <summary>True while the message sits in the hold queue (cleanup HOLD or postsuper -h), until released.</summary>
    public bool Held { get; set; }
    /// <summary>True when the entry line (smtpd client=, pickup uid=, notification link) was seen.</summary>
    public bool EntrySeen { get; set; }
    /// <summary>The amavis verdict when its log is in the same file: "Passed CLEAN", "Blocked SPAM".</summary>
    public string? FilterVerdict { get; set; }

    /// <summary>Raw lines, only collected when the correlator is asked to (trace --raw).</summary>
    public List<SourceLine>? Lines { get; set; }

    // Made on first use: three empty lists per queue file were 6% of everything the correlator allocated.
    private List<CleanupNote>? _notes;
    // As the line's bytes until read: few commands read it, and as UTF-16 it was the biggest string a record holds.
    private LazyText _messageId;
    private List<string>? _notifications;
    private List<string>? _forwards;

    internal bool HasMessageId => !_messageId.IsNull;

    /// <summary>The Message-ID as the log's UTF-8 bytes, for comparing it on every chain without decoding it.</summary>
    internal byte[]? MessageIdUtf8 => _messageId.ToUtf8();

    internal void SetMessageId(byte[] utf8) => _messageId.Set(utf8);

    public void AddNote(CleanupNote note) => (_notes ??= []).Add(note);

    internal void AddNotification(string queueId) => (_notifications ??= []).Add(queueId);

    internal void AddForward(string queueId) => (_forwards ??= []).Add(queueId);
}
