namespace SpamTrace.Logs.Correlation;

/// <summary>A queue file still being followed: its public record plus the correlator's bookkeeping.</summary>
internal sealed class OpenMessage(MessageRecord record, QueueKey key)
{
    /// <summary>
    /// Above this many recipients a dictionary replaces the linear search (spam runs have hundreds). Below it the
    /// search is cheap (addresses come from a shared cache, so a match is mostly the same string object) and a
    /// dictionary would cost an open message more memory than its recipients: the garbage collector copies
    /// every open message of a spam run, so their size is time.
    /// </summary>
    private const int IndexThreshold = 64;

    public MessageRecord Record { get; } = record;
    public QueueKey Key { get; } = key;
    public ChainGroup Group { get; set; } = null!;
    public bool Finished { get; set; }
    /// <summary>qmgr saw it (from=, size=, nrcpt=): it really was queued, not an abandoned SMTP session.</summary>
    public bool EnteredQueue { get; set; }
    public long LastTicks { get; set; }
    /// <summary>Notification or forward link that made this record; kept until the group is formed.</summary>
    public ChainLink? CausedBy { get; set; }
    /// <summary>
    /// The parent link came only from the filter's own claims (XFORWARD orig_queue_id, amavis Queue-ID), not yet
    /// from the parent's delivery line "queued as" this message, which is what Postfix itself logged.
    /// </summary>
    public bool LinkClaimedOnly { get; set; }
    private Dictionary<(string, string?), RecipientResult>? _index;

    public RecipientResult Recipient(string address, string? origTo)
    {
        var list = Record.Recipients;
        if (_index is null)
        {
            foreach (var r in list)
            {
                if ((ReferenceEquals(address, r.Address) || string.Equals(address, r.Address, StringComparison.Ordinal))
                    && string.Equals(origTo, r.OrigTo, StringComparison.Ordinal))
                {
                    return r;
                }
            }
        }
        else if (_index.TryGetValue((address, origTo), out var found))
        {
            return found;
        }
        var added = new RecipientResult { Address = address, OrigTo = origTo };
        list.Add(added);
        if (_index is not null)
        {
            _index[(added.Address, added.OrigTo)] = added;
        }
        else if (list.Count > IndexThreshold)
        {
            _index = new Dictionary<(string, string?), RecipientResult>(list.Count * 2);
            foreach (var r in list)
            {
                _index[(r.Address, r.OrigTo)] = r;
            }
        }
        return added;
    }
}

/// <summary>The queue files of one chain (a message and its content-filter re-injections).</summary>
internal sealed class ChainGroup
{
    public List<OpenMessage> Members { get; } = new(2);
    public int OpenCount { get; set; }
    public long FinishedTicks { get; set; }
    /// <summary>Merged into another group: its members moved there, ignore it in the pending queue.</summary>
    public bool Dissolved { get; set; }
    public bool Emitted { get; set; }
    public bool Pending { get; set; }
}
