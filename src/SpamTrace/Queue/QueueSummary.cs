using SpamTrace.Reputation;

namespace SpamTrace.Queue;

/// <summary>One row of a breakdown: how many messages and recipients share a key.</summary>
public sealed class QueueCount(string key)
{
    public string Key { get; } = key;
    public long Messages { get; set; }
    public long Recipients { get; set; }
}

/// <summary>One delay reason, classified.</summary>
public sealed class DelayReasonCount(string reason, ReplyVerdict verdict)
{
    public string Reason { get; } = reason;
    public ReplyVerdict Verdict { get; } = verdict;
    public long Recipients { get; set; }
    public long Messages { get; set; }
}

/// <summary>
/// Breakdowns read from queue files (SASL login, uid, client) on a sample of the queue: the sample size and the
/// messages it was drawn from are stated, and counts are of sampled messages (multiply by <see cref="Scale"/>).
/// </summary>
public sealed class QueueFileSample
{
    public int Sampled { get; set; }
    public long Population { get; set; }
    /// <summary>Messages that left the queue between listing and reading their file.</summary>
    public int Gone { get; set; }
    public bool IsExhaustive => Sampled + Gone >= Population;
    public double Scale => Sampled == 0 ? 0 : (double)Population / Sampled;
    public List<QueueCount> BySaslUser { get; set; } = [];
    public List<QueueCount> ByUid { get; set; } = [];
    public List<QueueCount> ByClient { get; set; } = [];
    /// <summary>Sampled messages with neither a SASL login nor a pickup uid (unauthenticated SMTP, bounces).</summary>
    public long Unattributed { get; set; }
}

/// <summary>What <c>spamtrace queue</c> reports.</summary>
public sealed class QueueSummary
{
    public List<string> Instances { get; set; } = [];
    public List<string> ListingFormats { get; set; } = [];
    public DateTimeOffset Now { get; set; }
    public long Messages { get; set; }
    public long Recipients { get; set; }
    public long Bytes { get; set; }
    public DateTimeOffset? Oldest { get; set; }
    public DateTimeOffset? Newest { get; set; }
    public List<QueueCount> ByQueue { get; set; } = [];
    public List<QueueCount> BySender { get; set; } = [];
    public List<QueueCount> BySenderDomain { get; set; } = [];
    public List<QueueCount> ByRecipientDomain { get; set; } = [];
    public List<QueueCount> ByAge { get; set; } = [];
    public List<DelayReasonCount> ByDelayReason { get; set; } = [];
    public QueueFileSample? Sample { get; set; }
    public long BadLines { get; set; }
    public List<string> BadLineSamples { get; set; } = [];
    /// <summary>Distinct values seen per breakdown before cutting to the top rows.</summary>
    public Dictionary<string, int> Distinct { get; set; } = [];
}
