namespace SpamTrace.Logs.Correlation;

/// <summary>
/// Groups queue files into chains and emits each chain once all its files are finished. Chains whose
/// first file could still be claimed by a late link (a notification not yet named by bounce(8), a
/// re-injected message whose parent's "queued as" is not logged yet) wait a short linger in log time.
/// </summary>
internal sealed class ChainAssembler(Action<MessageChain> emit)
{
    /// <summary>How long a finished chain with an unexplained entry waits for a late link.</summary>
    public static readonly long LingerTicks = TimeSpan.FromMinutes(2).Ticks;

    public long EmittedChains { get; private set; }

    public void Start(OpenMessage message)
    {
        var group = new ChainGroup { OpenCount = 1 };
        group.Members.Add(message);
        message.Group = group;
    }

    /// <summary>Puts child's chain after parent's: a content-filter re-injection.</summary>
    public void Link(OpenMessage parent, OpenMessage child)
    {
        var target = parent.Group;
        var source = child.Group;
        if (ReferenceEquals(target, source))
        {
            return;
        }
        foreach (var m in source.Members)
        {
            m.Group = target;
            target.Members.Add(m);
        }
        target.OpenCount += source.OpenCount;
        source.Members.Clear();
        source.OpenCount = 0;
        source.Dissolved = true;
    }

    /// <summary>
    /// Moves one re-injected message to another parent's chain: its first link came from a claim that the
    /// parent's own delivery line contradicts. The chain it leaves, if now finished, waits out a linger.
    /// </summary>
    public bool Move(HostState host, OpenMessage child, OpenMessage newParent, long nowTicks)
    {
        var old = child.Group;
        var target = newParent.Group;
        if (ReferenceEquals(old, target) || old.Emitted || target.Emitted || old.Members.Count < 2)
        {
            return false;
        }
        old.Members.Remove(child);
        target.Members.Add(child);
        child.Group = target;
        if (!child.Finished)
        {
            old.OpenCount--;
            target.OpenCount++;
        }
        if (old.OpenCount == 0 && !old.Pending)
        {
            old.FinishedTicks = nowTicks;
            old.Pending = true;
            host.Pending.Enqueue(old);
        }
        return true;
    }

    public void Finish(HostState host, OpenMessage message, long nowTicks)
    {
        if (message.Finished)
        {
            return;
        }
        message.Finished = true;
        var group = message.Group;
        group.OpenCount--;
        if (group.OpenCount > 0)
        {
            host.MoveToFinished(message);
            return;
        }
        group.FinishedTicks = nowTicks;
        if (NeedsLinger(group))
        {
            host.MoveToFinished(message);
            if (!group.Pending)
            {
                group.Pending = true;
                host.Pending.Enqueue(group);
            }
            return;
        }
        host.RemoveOpen(message);
        Emit(host, group, incompleteByEnd: false);
    }

    /// <summary>Emits lingering chains whose wait is over.</summary>
    public void Advance(HostState host)
    {
        var pending = host.Pending;
        while (pending.TryPeek(out var group))
        {
            if (group.Dissolved || group.Emitted)
            {
                pending.Dequeue();
                continue;
            }
            if (group.OpenCount > 0)
            {
                // Re-opened by a late child; it will be queued again when it finishes.
                group.Pending = false;
                pending.Dequeue();
                continue;
            }
            if (group.FinishedTicks + LingerTicks > host.NowTicks)
            {
                break;
            }
            pending.Dequeue();
            group.Pending = false;
            Emit(host, group, incompleteByEnd: false);
        }
    }

    /// <summary>At the end of the input: everything still held is emitted, open files marked incomplete.</summary>
    public void Flush(IEnumerable<HostState> hosts)
    {
        foreach (var host in hosts)
        {
            while (host.Pending.TryDequeue(out var group))
            {
                if (!group.Dissolved && !group.Emitted && group.OpenCount == 0)
                {
                    Emit(host, group, incompleteByEnd: false);
                }
            }

            var groups = new List<ChainGroup>();
            foreach (var m in host.OpenMessages)
            {
                if (!m.Group.Emitted && !m.Group.Pending)
                {
                    m.Group.Pending = true;
                    groups.Add(m.Group);
                }
            }
            groups.Sort((a, b) => a.Members[0].Record.FirstSeenUtc.CompareTo(b.Members[0].Record.FirstSeenUtc));
            foreach (var g in groups)
            {
                Emit(host, g, incompleteByEnd: true);
            }
        }
    }

    /// <summary>Gives up on a message that has been silent too long (an abandoned SMTP session, a lost log).</summary>
    public void Evict(HostState host, OpenMessage message)
    {
        var group = message.Group;
        if (group.Emitted)
        {
            host.RemoveOpen(message);
            return;
        }
        Emit(host, group, incompleteByEnd: true);
    }

    private static bool NeedsLinger(ChainGroup group)
    {
        var root = group.Members[0];
        var r = root.Record;
        if (root.CausedBy is not null || r.ParentQueueId is not null)
        {
            return false;
        }
        return r.Origin == OriginKind.Unknown
            || (r.Origin == OriginKind.Smtp && r.ClientIp is { } ip && (ip.StartsWith("127.", StringComparison.Ordinal) || ip == "::1"));
    }

    private void Emit(HostState? host, ChainGroup group, bool incompleteByEnd)
    {
        group.Emitted = true;
        var hops = new MessageRecord[group.Members.Count];
        var incomplete = incompleteByEnd;
        ChainLink? causedBy = null;
        for (var i = 0; i < hops.Length; i++)
        {
            var m = group.Members[i];
            hops[i] = m.Record;
            causedBy ??= m.CausedBy;
            if (!m.Finished || m.Record.Fate == MessageFate.Open)
            {
                incomplete = true;
            }
            if (!m.Record.EntrySeen || (i == 0 && m.Record.Origin == OriginKind.Reinjected))
            {
                incomplete = true;
            }
            if (host is not null)
            {
                host.ForgetFinished(m);
                host.RemoveOpen(m);
                host.RememberEmitted(m.Key, m.LastTicks);
            }
        }
        EmittedChains++;
        emit(new MessageChain(hops, causedBy, incomplete));
    }
}
