using SpamTrace.Common;
using SpamTrace.Logs.Correlation;
using SpamTrace.Logs.Parsing;
using SpamTrace.Reputation;
using SpamTrace.ServerKnowledge;

namespace SpamTrace.Forensics;

/// <summary>
/// The diagnose analysis as a log observer: every finished chain and session event updates per-origin counters,
/// capped sets and time buckets, then is dropped. Nothing grows with the number of messages.
/// </summary>
/// <remarks>Not thread-safe: the log engine calls it from its one observer thread, and results are read after the run.</remarks>
public sealed class DiagnoseObserver(UidNames uids, ServerFacts? server = null) : ILogObserver
{
    /// <summary>What the Postfix configuration says (our domains, mynetworks), or nothing when it was not read.</summary>
    public ServerFacts Server { get; } = server ?? ServerFacts.None;
    /// <summary>
    /// Failed logins per login name (Postfix 3 logs sasl_username= on failures, Dovecot names the user): a stolen
    /// account's guessing counts whichever IP it came from.
    /// </summary>
    public Dictionary<string, LoginFailures> AuthFailuresByLogin { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Domains named in "Relay access denied" refusals: the server itself says they are not ours.</summary>
    public BoundedSet ForeignDomains { get; } = new(10_000);
    public GreylistDeferrals Greylisting { get; } = new();
    private const int KeyCap = 100_000;
    private readonly DomainInterner _domains = new();
    /// <summary>The provider behind each relay host seen lately ("mta5.am0.yahoodns.net[...]:25" -> Yahoo): a big provider's relays repeat.</summary>
    private readonly RecentMemo<string?> _relayProviders = new(ReplyClassifier.GuessProvider);
    private readonly ReplyVerdictCache _verdicts = new();

    public Dictionary<OriginId, OriginStats> Origins { get; } = [];
    public Dictionary<string, ProviderStats> Providers { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Remote recipients per provider (known from the relay's host name), for the share each one refuses.</summary>
    public BoundedCounter ProviderTraffic { get; } = new(1_000);
    /// <summary>Failed logins per client IP: the brute-force evidence counts an IP's failures before it first sent as a login.</summary>
    public Dictionary<string, AuthFailureStats> AuthFailuresByIp { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>All origins' timelines summed (computed when asked: it is only needed at the end).</summary>
    public MinuteHistogram OutboundTimeline
    {
        get
        {
            var all = new MinuteHistogram();
            foreach (var s in Origins.Values)
            {
                all.AddAll(s.Timeline);
            }
            return all;
        }
    }
    /// <summary>Origins of outbound messages that failed somewhere, by "host/queue ID" of each hop: the causes of notifications.</summary>
    /// <remarks>Keyed by the queue ID's 128-bit value, not its string: 200,000 strings kept alive were copied by every collection.
    /// Values are indexes into <see cref="_originList"/>: a table without references is one the collector never scans.</remarks>
    private readonly Dictionary<(int Host, QueueKey QueueId), int> _failedMessages = [];
    /// <summary>The failed messages' keys oldest first: at the cap the oldest is forgotten, not the newest refused.</summary>
    private readonly Queue<(int Host, QueueKey QueueId)> _failedOrder = new();
    private readonly List<OriginStats> _originList = [];

    /// <summary>
    /// How many failed hops are remembered for linking notifications (about 12 MB at 200,000): a notification answers
    /// a failure of the last days, so on a longer log the oldest failures are the ones to forget.
    /// </summary>
    internal int FailedMessagesCap { get; init; } = 200_000;

    /// <summary>The cause named for a notification whose message the log does not show.</summary>
    public const string UnknownCause = "unknown";

    /// <summary>
    /// Notifications waiting for their cause, by the cause's "host/queue ID": the origin index of the notices and how
    /// many recipients they had. Capped: at the cap the oldest wait ends as an unknown cause.
    /// </summary>
    private BoundedMap<(int Host, QueueKey QueueId), (int Notices, int Recipients)> _pendingNotices = new(PendingNoticesDefaultCap);

    private const int PendingNoticesDefaultCap = 50_000;

    /// <summary>How many notifications may wait for their cause's chain (a few MB at the default).</summary>
    internal int PendingNoticesCap
    {
        get => _pendingNotices.Cap;
        init => _pendingNotices = new(value);
    }

    private OriginStats? _lastStats;
    private int _relayOrigins;

    /// <summary>
    /// Unauthenticated clients followed one by one (about 40 MB at most); beyond them, relaying clients are counted
    /// together as <see cref="OriginId.OtherClients"/>. Logins and uids are not capped: they are the server's accounts.
    /// </summary>
    internal int MaxRelayOrigins { get; init; } = 20_000;
    /// <summary>Hosts of the log by index: failed messages are keyed by it, so that their table holds no references.</summary>
    private readonly Dictionary<string, int> _hostIndex = new(StringComparer.Ordinal);

    public long Chains { get; private set; }
    public long OutboundChains { get; private set; }
    public long RemoteRecipients { get; private set; }
    public long ReputationRefusals { get; private set; }
    public long AuthFailures { get; private set; }
    public long RelayDenied { get; private set; }
    /// <summary>Recipients smtpd refused as unknown at RCPT time: recipient validation is working.</summary>
    public long UnknownRecipientRejects { get; private set; }
    /// <summary>
    /// Domains this server receives for: delivered into local mailboxes, named by smtpd's recipient-table rejects
    /// ("User unknown in relay recipient table") or by its users' logins. Mail from the Internet to these is inbound, not relaying.
    /// </summary>
    public BoundedSet OurDomains { get; } = new(10_000);
    public DateTime FirstSeenUtc { get; private set; } = DateTime.MaxValue;
    public DateTime LastSeenUtc { get; private set; } = DateTime.MinValue;

    public void OnChain(MessageChain chain)
    {
        Chains++;
        See(chain.FirstSeenUtc);
        // Indexed loops: Hops is an IReadOnlyList, and foreach over it allocates an enumerator per chain.
        var hops = chain.Hops;
        var outbound = false;
        for (var h = 0; h < hops.Count; h++)
        {
            foreach (var r in hops[h].Recipients)
            {
                if (r.Hop == HopKind.Local)
                {
                    OurDomains.Add(_domains.DomainOf(r.Address));
                }
                outbound |= r.IsOutbound;
            }
        }
        if (!outbound)
        {
            return;
        }
        OutboundChains++;
        var who = OriginAttributor.Attribute(chain, uids);
        // A burst comes from one origin chain after chain: the last one's stats spare hashing its key again.
        if (_lastStats is { } last && last.Id.Kind == who.Origin.Kind && ReferenceEquals(last.Id.Key, who.Origin.Key))
        {
            AddChain(last, chain, who);
            return;
        }
        if (!Origins.TryGetValue(who.Origin, out var stats) && who.Origin.Kind == CulpritKind.Relay && _relayOrigins >= MaxRelayOrigins)
        {
            who = who with { Origin = new OriginId(CulpritKind.Relay, OriginId.OtherClients) };
            Origins.TryGetValue(who.Origin, out stats);
        }
        if (stats is null)
        {
            Origins[who.Origin] = stats = new OriginStats(who.Origin) { UserName = who.UserName, Index = _originList.Count };
            _originList.Add(stats);
            if (who.Origin.Kind == CulpritKind.Relay)
            {
                _relayOrigins++;
            }
            if (who.Origin.Kind == CulpritKind.Sasl && who.Origin.Key.Contains('@'))
            {
                OurDomains.Add(_domains.DomainOf(who.Origin.Key));
            }
        }
        _lastStats = stats;
        AddChain(stats, chain, who);
    }

    /// <summary>Remembers whose message this was when it may cause a notification, and credits a notification to its cause's origin.</summary>
    private void LinkCause(MessageChain chain, OriginStats s, int failedRecipients)
    {
        if (chain.Origin == OriginKind.Notification)
        {
            LinkNotification(chain, s, Math.Max(1, failedRecipients));
            return;
        }
        var host = HostIndex(chain.Host);
        var hops = chain.Hops;
        if (_pendingNotices.Count > 0)
        {
            for (var h = 0; h < hops.Count; h++)
            {
                if (_pendingNotices.Remove((host, QueueKey.From(hops[h].QueueId)), out var pending))
                {
                    _originList[pending.Notices].CausedBy.Add(s.Id.ToString(), pending.Recipients);
                }
            }
        }
        if (failedRecipients == 0)
        {
            return;
        }
        for (var h = 0; h < hops.Count; h++)
        {
            var key = (host, QueueKey.From(hops[h].QueueId));
            if (_failedMessages.Count >= FailedMessagesCap && _failedOrder.TryDequeue(out var oldest))
            {
                _failedMessages.Remove(oldest);
            }
            if (_failedMessages.TryAdd(key, s.Index))
            {
                _failedOrder.Enqueue(key);
            }
            else
            {
                _failedMessages[key] = s.Index;
            }
        }
    }

    /// <summary>
    /// Credits a notification to the origin of the message it answers. Its chain can finish before the cause's (the
    /// notice is delivered while the cause still waits for other recipients or its last hop): then it waits, keyed
    /// by the cause's queue ID, until the cause is judged.
    /// </summary>
    private void LinkNotification(MessageChain chain, OriginStats s, int recipients)
    {
        if (chain.CausedBy is not { } c)
        {
            s.CausedBy.Add(UnknownCause, recipients);
            return;
        }
        var key = (HostIndex(c.Host), QueueKey.From(c.QueueId));
        if (_failedMessages.TryGetValue(key, out var origin))
        {
            s.CausedBy.Add(_originList[origin].Id.ToString(), recipients);
            return;
        }
        var sum = _pendingNotices.TryGetValue(key, out var earlier) && earlier.Notices == s.Index ? earlier.Recipients : 0;
        if (earlier.Recipients > 0 && earlier.Notices != s.Index)
        {
            _originList[earlier.Notices].CausedBy.Add(UnknownCause, earlier.Recipients);
        }
        if (_pendingNotices.Set(key, (s.Index, sum + recipients)) is { } evicted)
        {
            _originList[evicted.Value.Notices].CausedBy.Add(UnknownCause, evicted.Value.Recipients);
        }
    }

    /// <summary>
    /// Notifications whose cause never showed up in the log (it was queued before the log starts, or is still open at
    /// its end) are credited to an unknown cause. Call once the log is read; calling again does nothing more.
    /// </summary>
    public void SettlePendingNotices()
    {
        foreach (var (_, pending) in _pendingNotices.Drain())
        {
            _originList[pending.Notices].CausedBy.Add(UnknownCause, pending.Recipients);
        }
    }

    private int HostIndex(string host)
    {
        ref var index = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_hostIndex, host, out var known);
        if (!known)
        {
            index = _hostIndex.Count - 1;
        }
        return index;
    }

    private void AddChain(OriginStats s, MessageChain chain, Attribution who)
    {
        var root = chain.Root;
        var time = chain.FirstSeenUtc;
        s.Messages++;
        if (time < s.FirstSeenUtc)
        {
            s.FirstSeenUtc = time;
        }
        if (time > s.LastSeenUtc)
        {
            s.LastSeenUtc = time;
        }
        if (root.ClientIp is { } ip)
        {
            ref var seen = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(s.IpFirstSeen, ip, out var known);
            if (!known)
            {
                // A new client of this origin (the map stops growing with the capped set; lookups stay exact for the rest).
                if (s.ClientIps.Add(ip))
                {
                    s.Networks.Add(AddressText.NetworkOf(ip));
                    seen = time;
                }
                else
                {
                    s.IpFirstSeen.Remove(ip);
                }
            }
            else if (time < seen)
            {
                seen = time;
            }
        }
        s.Senders.Add(root.Sender);
        if (root.Helo is { } helo && who.Origin.Kind == CulpritKind.Relay)
        {
            s.Helos.Add(helo);
        }
        if (who.Origin.Kind == CulpritKind.Sasl && IsMismatch(root.SaslUser!, root.Sender))
        {
            s.SenderMismatches++;
        }
        if (who.Script is { } script)
        {
            s.Scripts.Add(script);
        }
        if (who.ScriptOwnerUid is { } owner)
        {
            s.ScriptOwners.Add(owner);
        }
        if (s.SampleQueueIds.Count < 5)
        {
            s.SampleQueueIds.Add(root.QueueId);
        }
        if (chain.Last.Fate == MessageFate.Open)
        {
            s.OpenMessages++;
            s.OpenQueueIds.Add(chain.Last.QueueId);
        }

        var remote = 0;
        var notSent = 0;
        var hops = chain.Hops;
        for (var h = 0; h < hops.Count; h++)
        {
            foreach (var r in hops[h].Recipients)
            {
                if (r.IsOutbound)
                {
                    remote++;
                    notSent += r.Status is DeliveryStatus.Sent or DeliveryStatus.Deliverable ? 0 : 1;
                    AddRecipient(s, r);
                }
            }
        }
        LinkCause(chain, s, chain.Origin == OriginKind.Notification ? remote : notSent);
        s.RemoteRecipients += remote;
        RemoteRecipients += remote;
        s.Timeline.Add(time, remote);
    }

    private void AddRecipient(OriginStats s, RecipientResult r)
    {
        var domain = _domains.DomainOf(r.Address);
        s.RecipientDomains.Add(domain);
        s.Tally.Add(domain, r.Address);
        if (FreeMailDomains.Contains(domain))
        {
            s.FreeMailRecipients++;
        }
        if (s.SampleRecipients.Count < 5)
        {
            s.SampleRecipients.Add(r.Address);
        }
        var provider = r.Relay is { } relay ? _relayProviders.Get(relay) : null;
        if (provider is not null)
        {
            ProviderTraffic.Add(provider);
        }
        switch (r.Status)
        {
            case DeliveryStatus.Sent or DeliveryStatus.Deliverable:
                s.Sent++;
                break;
            case DeliveryStatus.Deferred or DeliveryStatus.SoftBounce:
                s.StillDeferred++;
                break;
            case DeliveryStatus.Bounced or DeliveryStatus.Undeliverable:
                s.Bounced++;
                break;
            case DeliveryStatus.Expired:
                s.Expired++;
                break;
        }
        var deferredOnce = r.Status is DeliveryStatus.Deferred or DeliveryStatus.SoftBounce || r.HasFirstDeferralReply;
        // The final answer when the message did not get through; else the deferral that preceded success. As bytes:
        // most replies are read only to be classified, and decoding each one cost more than the rest of diagnose.
        var sent = r.Status is DeliveryStatus.Sent or DeliveryStatus.Deliverable;
        var dsn = sent ? null : r.Dsn;
        var reply = sent ? r.FirstDeferralReplyUtf8 : r.ReplyUtf8 ?? r.FirstDeferralReplyUtf8;
        if (dsn is null && reply is null)
        {
            if (deferredOnce)
            {
                s.DeferredOnce++;
            }
            return;
        }
        var verdict = _verdicts.Classify(dsn, reply);
        // Greylisting defers everyone's first message: it says nothing about the sender.
        if (deferredOnce && verdict.Class != ReplyClass.Greylisted)
        {
            s.DeferredOnce++;
        }
        if (verdict.Class is ReplyClass.UserUnknown or ReplyClass.HostUnknown)
        {
            s.UnknownRecipients++;
        }
        if (!verdict.IsReputationProblem)
        {
            return;
        }
        s.ReputationRefusals++;
        ReputationRefusals++;
        var name = verdict.Provider ?? provider ?? (domain.Length > 0 ? domain : "unknown");
        if (!Providers.TryGetValue(name, out var p))
        {
            if (Providers.Count >= 1_000)
            {
                return;
            }
            Providers[name] = p = new ProviderStats(name);
        }
        p.Refusals++;
        if (r.TimeUtc != default && r.TimeUtc < p.FirstUtc)
        {
            p.FirstUtc = r.TimeUtc;
        }
        if (r.TimeUtc > p.LastUtc)
        {
            p.LastUtc = r.TimeUtc;
        }
        p.Classes[verdict.Class] = p.Classes.GetValueOrDefault(verdict.Class) + 1;
        p.Rules.Add(verdict.Rule ?? verdict.Class.ToString().ToLowerInvariant());
        if (p.Example is null)
        {
            p.Example = verdict;
            p.ExampleReply = reply is null ? null : System.Text.Encoding.UTF8.GetString(reply);
        }
    }

    /// <summary>The envelope sender is not the login: a login "alice" may send as alice@any-domain; a login with a domain must match exactly.</summary>
    public static bool IsMismatch(string login, string? sender)
    {
        if (string.IsNullOrEmpty(sender))
        {
            return false;
        }
        return login.Contains('@')
            ? !string.Equals(login, sender, StringComparison.OrdinalIgnoreCase)
            : !LocalPart(sender).Equals(login, StringComparison.OrdinalIgnoreCase);
    }

    private static ReadOnlySpan<char> LocalPart(string address)
    {
        var at = address.LastIndexOf('@');
        return at < 0 ? address : address.AsSpan(0, at);
    }

    public void OnSessionEvent(SessionEvent e)
    {
        See(e.TimeUtc);
        switch (e.Kind)
        {
            case SessionEventKind.SaslAuthFailed or SessionEventKind.DovecotAuthFailed:
                AuthFailures += e.Count;
                if (!string.IsNullOrEmpty(e.SaslUser))
                {
                    FailuresFor(e.SaslUser)?.Add(e.TimeUtc, e.ClientIp, e.Count);
                }
                if (!string.IsNullOrEmpty(e.ClientIp))
                {
                    // Without a name, only the IP tells whose password was guessed: the login it later sends as.
                    FailuresFrom(e.ClientIp)?.Add(e.TimeUtc, e.Count, e.SaslUser);
                }
                break;
            // Postfix writes these reasons in this case, always: ordinal search is several times faster than ignoring case.
            case SessionEventKind.Reject when e.Text is { } text && !Greylisting.TryAdd(e):
                if (text.Contains("Relay access denied", StringComparison.Ordinal))
                {
                    RelayDenied++;
                    ForeignDomains.Add(_domains.DomainOf(e.To));
                }
                else if (text.Contains("User unknown", StringComparison.Ordinal))
                {
                    UnknownRecipientRejects++;
                    if (text.Contains("recipient table", StringComparison.Ordinal) || text.Contains("mailbox table", StringComparison.Ordinal)
                        || text.Contains("alias table", StringComparison.Ordinal))
                    {
                        OurDomains.Add(_domains.DomainOf(e.To));
                    }
                }
                break;
        }
    }

    private LoginFailures? FailuresFor(string login)
    {
        if (AuthFailuresByLogin.TryGetValue(login, out var f))
        {
            return f;
        }
        if (AuthFailuresByLogin.Count >= KeyCap)
        {
            return null;
        }
        return AuthFailuresByLogin[login] = new LoginFailures();
    }

    private AuthFailureStats? FailuresFrom(string ip)
    {
        if (AuthFailuresByIp.TryGetValue(ip, out var f))
        {
            return f;
        }
        if (AuthFailuresByIp.Count >= KeyCap)
        {
            return null;
        }
        return AuthFailuresByIp[ip] = new AuthFailureStats();
    }

    private void See(DateTime t)
    {
        if (t == default)
        {
            return;
        }
        if (t < FirstSeenUtc)
        {
            FirstSeenUtc = t;
        }
        if (t > LastSeenUtc)
        {
            LastSeenUtc = t;
        }
    }
}
