namespace SpamTrace.Forensics;

/// <summary>
/// Turns the observer's counters into a ranking: each origin gets explained points for what looks like abuse
/// (many client IPs, brute force, forged senders, refusals by receivers) and for volume shape (bursts,
/// recipients per message, domains). A culprit needs both a high score and real signs of abuse, so a busy
/// but clean sender (a newsletter: steady, one IP, low bounce rate) is never accused.
/// </summary>
public static class Detector
{
    /// <summary>Below this many remote recipients an origin is never called a culprit: too little to judge, too little to matter.</summary>
    public const int MinimumVolume = 4;
    public const int CulpritScore = 40;
    public const int CulpritAbusePoints = 15;

    private static readonly HashSet<string> WebServerUsers = new(StringComparer.OrdinalIgnoreCase)
    {
        "www-data", "apache", "nginx", "httpd", "wwwrun", "www", "nobody", "php-fpm", "lighttpd",
    };

    /// <summary>
    /// What is normal on this server: the lower quartile of users (logins and local uids with at least two messages),
    /// the judged origin left out; a quartile rather than the median because on a small server in trouble half the
    /// busy senders may be culprits. Thresholds on rates and IP counts are raised to a multiple of it, so a server whose
    /// users all roam between IPs, or whose mail bounces more than most, does not see every user accused.
    /// </summary>
    /// <remarks>
    /// Each measure is sorted once, and the judged origin is left out by shifting the index past its own value: sorting
    /// the population again for every origin made judging quadratic, seconds on a server with thousands of logins.
    /// </remarks>
    internal sealed class Population
    {
        private readonly HashSet<OriginStats> _users;
        private readonly Quartile _deferral;
        private readonly Quartile _bounce;
        private readonly Quartile _reputation;
        private readonly Quartile _loginIps;

        public Population(IReadOnlyCollection<OriginStats> users)
        {
            _users = new HashSet<OriginStats>(users, ReferenceEqualityComparer.Instance);
            _deferral = new Quartile(users, s => s.DeferralRate);
            _bounce = new Quartile(users, s => s.BounceRate);
            _reputation = new Quartile(users, s => s.ReputationRate);
            _loginIps = new Quartile(users, LoginIpCount);
        }

        public static Population Of(DiagnoseObserver o) =>
            new(o.Origins.Values.Where(s => s.Id.Kind is CulpritKind.Sasl or CulpritKind.Local && s.Messages >= 2).ToList());

        public double DeferralRate(OriginStats self) => _deferral.Without(self, _users);
        public double BounceRate(OriginStats self) => _bounce.Without(self, _users);
        public double ReputationRate(OriginStats self) => _reputation.Without(self, _users);
        public double LoginIps(OriginStats self) => Math.Max(1, _loginIps.Without(self, _users));

        private static double LoginIpCount(OriginStats s) => s.Id.Kind == CulpritKind.Sasl ? s.ClientIps.Count : double.NaN;

        /// <summary>The lower quartile of one measure over the population (NaN values left out), with or without one member.</summary>
        private sealed class Quartile(IEnumerable<OriginStats> users, Func<OriginStats, double> value)
        {
            private readonly double[] _sorted = users.Select(value).Where(v => !double.IsNaN(v)).Order().ToArray();
            private readonly Func<OriginStats, double> _value = value;

            public double Without(OriginStats self, HashSet<OriginStats> members)
            {
                var own = members.Contains(self) ? _value(self) : double.NaN;
                if (double.IsNaN(own))
                {
                    return _sorted.Length == 0 ? 0 : _sorted[_sorted.Length / 4];
                }
                var n = _sorted.Length - 1;
                if (n == 0)
                {
                    return 0;
                }
                // Leaving out one copy of its value shifts every later element down by one.
                var k = n / 4;
                var at = LowerBound(_sorted, own);
                return k < at ? _sorted[k] : _sorted[k + 1];
            }

            private static int LowerBound(double[] sorted, double v)
            {
                int lo = 0, hi = sorted.Length;
                while (lo < hi)
                {
                    var mid = (lo + hi) >>> 1;
                    if (sorted[mid] < v)
                    {
                        lo = mid + 1;
                    }
                    else
                    {
                        hi = mid;
                    }
                }
                return lo;
            }
        }
    }

    public static Diagnosis Judge(DiagnoseObserver o)
    {
        var population = Population.Of(o);
        var hasTime = o.FirstSeenUtc != DateTime.MaxValue;
        var first = hasTime ? o.FirstSeenUtc : DateTime.UnixEpoch;
        var last = hasTime ? o.LastSeenUtc : DateTime.UnixEpoch;
        var (binStart, binWidth, bins) = TimelineBins.For(first, last);
        var outboundMinutes = o.OutboundTimeline;
        var outbound = outboundMinutes.Bin(binStart, binWidth, bins);
        var canBaseline = last - first >= TimeSpan.FromHours(2) && bins >= 12;
        var globalBurst = canBaseline ? BurstStart(outbound, binStart, binWidth, outboundMinutes) : null;
        var assessments = new Dictionary<OriginId, OriginAssessment>();
        OriginAssessment Assess(OriginStats s, IEnumerable<Evidence>? extra = null, bool? culprit = null)
        {
            var timeline = s.Timeline.Bin(binStart, binWidth, bins);
            var burstStart = canBaseline ? BurstStart(timeline, binStart, binWidth, s.Timeline) : null;
            var evidence = new List<Evidence>();
            Score(o, population, s, evidence, burstStart, globalBurst);
            if (extra is not null)
            {
                evidence.AddRange(extra);
            }
            var score = evidence.Sum(e => e.Points);
            var abuse = evidence.Where(e => e.Abuse).Sum(e => e.Points);
            return new OriginAssessment
            {
                Stats = s,
                Score = score,
                AbusePoints = abuse,
                Evidence = evidence.OrderByDescending(e => e.Points).ToList(),
                // Mail whose origin the log does not show cannot be stopped from here: reported, never accused.
                IsCulprit = s.Id.Kind != CulpritKind.Unknown && (culprit ?? IsCulprit(s.RemoteRecipients, score, abuse)),
                SinceUtc = burstStart ?? s.FirstSeenUtc,
                Burst = burstStart is not null,
                Timeline = timeline,
            };
        }

        foreach (var s in o.Origins.Values.Where(s => s.Id.Kind is not (CulpritKind.Relay or CulpritKind.Bounce)))
        {
            assessments[s.Id] = Assess(s);
        }
        JudgeRelays(o, assessments, Assess, globalBurst);
        if (o.Origins.TryGetValue(new OriginId(CulpritKind.Bounce, ""), out var bounces))
        {
            assessments[bounces.Id] = JudgeBounces(o, bounces, assessments, Assess);
        }

        var ranked = assessments.Values
            .OrderByDescending(a => a.IsCulprit)
            .ThenByDescending(a => a.Score)
            .ThenByDescending(a => a.Stats.RemoteRecipients)
            .ThenBy(a => a.Id.ToString(), StringComparer.Ordinal)
            .ToList();
        var diagnosis = new Diagnosis
        {
            FirstSeenUtc = hasTime ? first : null,
            LastSeenUtc = hasTime ? last : null,
            Chains = o.Chains,
            OutboundMessages = o.OutboundChains,
            RemoteRecipients = o.RemoteRecipients,
            AuthFailures = o.AuthFailures,
            RelayDenied = o.RelayDenied,
            Origins = ranked,
            Providers = Providers(o),
            BurstStartUtc = globalBurst,
            TimelineStartUtc = binStart,
            TimelineBin = binWidth,
            OutboundTimeline = outbound,
        };
        if (!canBaseline && hasTime)
        {
            diagnosis.Notes.Add($"The log covers {Human(last - first)}: too short to compare each origin with its own baseline; judged on its behaviour only.");
        }
        if (o.Chains == 0)
        {
            diagnosis.Notes.Add("No message was found in the log.");
        }
        return diagnosis;
    }

    private static void Score(DiagnoseObserver o, Population population, OriginStats s, List<Evidence> ev, DateTime? burst, DateTime? globalBurst)
    {
        var v = s.RemoteRecipients;
        var enough = v >= MinimumVolume;
        switch (s.Id.Kind)
        {
            case CulpritKind.Sasl:
                ScoreLogin(o, population, s, ev);
                break;
            case CulpritKind.Local:
                if (s.Senders.Count >= 3 && enough)
                {
                    ev.Add(new("many-senders", $"{s.Senders.CountText} different envelope senders from one uid (forged From addresses)", 15, true));
                }
                var top = s.Scripts.Top(3).Select(p => p.Key).ToList();
                if (top.Count > 0)
                {
                    // One script sending most of a uid's mail is the shape of a hacked site's mailer (or of a shop: abuse signs decide).
                    var main = s.Scripts.Top(1).First();
                    var dominant = main.Value * 2 >= s.Scripts.Counts.Values.Sum() && main.Value >= 3;
                    ev.Add(new("php-script", dominant
                        ? $"{main.Value} of its messages from one PHP script, {main.Key} (X-PHP-Originating-Script)"
                        : $"PHP script(s) named in X-PHP-Originating-Script: {string.Join(", ", top)}", enough ? (dominant ? 15 : 10) : 0, false));
                }
                if (enough && (s.UserName is { } n ? WebServerUsers.Contains(n) : s.Id.Key is "33" or "48"))
                {
                    ev.Add(new("web-server-user", $"uid {s.Id.Key}{(s.UserName is null ? "" : $" ({s.UserName})")} is the web server's: mail comes from a website", 10, false));
                }
                break;
            case CulpritKind.Relay:
                // Mail from the Internet to our own (relay) domains is inbound, not relaying.
                if (enough && s.RecipientDomains.Items.Any(d => !o.OurDomains.Contains(d)))
                {
                    var who = s.Id.IsOtherClients ? $"{s.ClientIps.CountText} more clients" : s.ClientIps.Count > 1 ? $"{s.ClientIps.Count} clients" : $"client {s.Id.Key}";
                    // Trusted networks are the host and private ranges; a public client relaying is an open relay's user.
                    ev.Add(AddressText.IsPrivateOrLocal(s.Id.Key)
                        ? new("relay-unauthenticated", $"{who} relayed {v} recipients to other hosts without logging in", 10, false)
                        : new("relay-unauthenticated", $"{who} on a public address relayed {v} recipients to other hosts without logging in", 15, true));
                }
                break;
            case CulpritKind.Bounce:
                if (enough && s.RecipientDomains.Count >= 3)
                {
                    ev.Add(new("backscatter", $"{v} non-delivery notices to {s.RecipientDomains.CountText} external domains: senders of mail we accepted and then bounced (usually forged)", s.RecipientDomains.Count >= 5 ? 25 : 20, true));
                }
                if (o.UnknownRecipientRejects == 0 && enough)
                {
                    ev.Add(new("no-recipient-validation", "smtpd never rejected an unknown recipient: mail for nonexistent users is accepted, then bounced", 5, false));
                }
                break;
        }

        if (!enough)
        {
            return;
        }
        if (s.RecipientsPerMessage >= 10)
        {
            ev.Add(new("recipients-per-message", $"{s.RecipientsPerMessage:F1} remote recipients per message", 10, false));
        }
        else if (s.RecipientsPerMessage >= 3)
        {
            ev.Add(new("recipients-per-message", $"{s.RecipientsPerMessage:F1} remote recipients per message", 5, false));
        }
        if (s.RecipientDomains.Count >= 20 && s.RecipientDomains.Count >= 0.3 * v)
        {
            ev.Add(new("many-recipient-domains", $"{s.RecipientDomains.CountText} distinct recipient domains for {v} recipients", 10, false));
        }
        if (s.FreeMailShare >= 0.6 && v >= 10)
        {
            ev.Add(new("free-mail-share", $"{Pct(s.FreeMailShare)} of recipients at free-mail providers", 5, false));
        }
        if (s.DeferralRate >= Math.Max(0.3, 2 * population.DeferralRate(s)))
        {
            ev.Add(new("deferral-rate", $"{Pct(s.DeferralRate)} of recipients deferred ({s.DeferredOnce} of {v})", 15, true));
        }
        if (s.BounceRate >= Math.Max(0.1, 2 * population.BounceRate(s)))
        {
            var unknown = s.UnknownRecipients > 0 ? $", {s.UnknownRecipients} unknown recipients" : "";
            ev.Add(new("bounce-rate", $"{Pct(s.BounceRate)} of recipients bounced or expired ({s.Bounced + s.Expired} of {v}{unknown})", s.BounceRate >= 0.3 ? 15 : 10, true));
        }
        if (s.ReputationRate >= Math.Max(0.1, 2 * population.ReputationRate(s)))
        {
            ev.Add(new("reputation-refusals", $"{Pct(s.ReputationRate)} of recipients refused for our reputation (blocklists, complaints, rate limits)", 15, true));
        }
        if (burst is { } b)
        {
            ev.Add(new("burst", $"volume jumped far above its own baseline from {b:yyyy-MM-dd HH:mm} UTC", 15, false));
        }
        if (globalBurst is { } g && g - o.FirstSeenUtc >= TimeSpan.FromHours(1) && s.FirstSeenUtc >= g)
        {
            ev.Add(new("new-in-burst", $"first seen at {s.FirstSeenUtc:yyyy-MM-dd HH:mm} UTC, after the outbound burst began: a new origin", 10, false));
        }
        if (o.RemoteRecipients > 0 && (double)v / o.RemoteRecipients >= 0.5 && v >= 20)
        {
            ev.Add(new("volume-share", $"{Pct((double)v / o.RemoteRecipients)} of all outbound recipients", 10, false));
        }
    }

    private static void ScoreLogin(DiagnoseObserver o, Population population, OriginStats s, List<Evidence> ev)
    {
        var ips = s.ClientIps.Count;
        var nets = s.Networks.Count;
        // Compared with the usual login: on a server whose users roam between many IPs, many IPs mean nothing.
        var usual = population.LoginIps(s);
        if (ips >= Math.Max(5, 3 * usual))
        {
            ev.Add(new("many-client-ips", $"logged in from {s.ClientIps.CountText} client IPs in {s.Networks.CountText} network{(s.Networks.Count == 1 ? "" : "s")}", 30, true));
        }
        else if (ips >= Math.Max(3, 3 * usual) && nets >= 3)
        {
            ev.Add(new("many-client-ips", $"logged in from {ips} client IPs in {nets} networks", 20, true));
        }

        // Failures from an IP before that IP's first successful send as this login: the attacker guessing, then getting in.
        long failures = 0;
        DateTime? firstSuccess = null;
        foreach (var (ip, seen) in s.IpFirstSeen)
        {
            if (o.AuthFailuresByIp.TryGetValue(ip, out var byIp) && byIp.CountBefore(seen) is > 0 and var n)
            {
                failures += n;
                firstSuccess = firstSuccess is { } f && f < seen ? f : seen;
            }
        }
        if (failures >= 3)
        {
            ev.Add(new("brute-force", $"{failures} failed logins before the attacker's first success at {firstSuccess:yyyy-MM-dd HH:mm:ss} UTC", failures >= 100 ? 25 : failures >= 20 ? 20 : 15, true));
        }

        if (s.Messages > 0 && s.SenderMismatches >= 0.5 * s.Messages && s.Senders.Count >= 3)
        {
            ev.Add(new("sender-mismatch", $"{s.SenderMismatches} of {s.Messages} messages with an envelope sender that is not the login ({s.Senders.CountText} different senders)", 15, true));
        }
    }

    private static bool IsCulprit(long volume, int score, int abuse) => volume >= MinimumVolume && score >= CulpritScore && abuse >= CulpritAbusePoints;

    /// <summary>
    /// Unauthenticated clients relaying out are judged together: an open relay is abused by many clients, each
    /// sending little. When they jointly send to many domains with signs of abuse, every one of them is named, except
    /// a client that relayed before the burst and whose own mail is clean (a trusted host of the network).
    /// The host itself (127.0.0.1, ::1) is judged alone: its mail comes from local programs.
    /// </summary>
    private static void JudgeRelays(DiagnoseObserver o, Dictionary<OriginId, OriginAssessment> into,
        Func<OriginStats, IEnumerable<Evidence>?, bool?, OriginAssessment> assess, DateTime? globalBurst)
    {
        var relays = o.Origins.Values.Where(s => s.Id.Kind == CulpritKind.Relay).ToList();
        // Mail from the Internet to our own (hosted or relay) domains is inbound; relaying means other domains.
        var members = relays.Where(s => s.Id.Key is not ("127.0.0.1" or "::1") && s.RecipientDomains.Items.Any(d => !o.OurDomains.Contains(d))).ToList();
        // Looked up once per relaying client: a list would make an open relay's thousands of clients quadratic.
        var isMember = members.ToHashSet(ReferenceEqualityComparer.Instance);
        var group = OriginStats.Merge(new OriginId(CulpritKind.Relay, ""), members);
        var groupEvidence = new List<Evidence>();
        var v = group.RemoteRecipients;
        if (members.Count >= 2 && group.RecipientDomains.Count >= 3 && group.RecipientDomains.Count >= 0.3 * v)
        {
            groupEvidence.Add(new("open-relay", $"{members.Count} unauthenticated clients relayed {v} recipients to {group.RecipientDomains.CountText} domains: the server relays for anyone", members.Count >= 3 ? 20 : 10, true));
        }
        else if (members.Count == 1 && group.RecipientDomains.Count >= 3)
        {
            groupEvidence.Add(new("relay-many-domains", $"relayed to {group.RecipientDomains.CountText} different domains without logging in", 10, false));
        }
        var judgedGroup = assess(group, groupEvidence, null);
        var groupIsCulprit = judgedGroup.IsCulprit && group.RecipientDomains.Count >= 3;
        foreach (var s in relays)
        {
            if (!groupIsCulprit || !isMember.Contains(s))
            {
                into[s.Id] = assess(s, members.Count == 1 && isMember.Contains(s) ? groupEvidence : null, null);
                continue;
            }
            var own = assess(s, null, null);
            var trusted = globalBurst is { } g && s.FirstSeenUtc < g - TimeSpan.FromHours(1) && own.AbusePoints == 0;
            if (trusted || members.Count == 1)
            {
                into[s.Id] = members.Count == 1 ? assess(s, groupEvidence, null) : own;
                continue;
            }
            // Judged as one of the relay's abusers: the group's evidence stands for it (its own few messages prove little).
            var shared = judgedGroup.Evidence.Select(e => e with { Text = "all relaying clients together: " + e.Text });
            into[s.Id] = Replace(own, shared, true);
        }
    }

    private static OriginAssessment Replace(OriginAssessment a, IEnumerable<Evidence> evidence, bool culprit)
    {
        var list = evidence.OrderByDescending(e => e.Points).ToList();
        return new OriginAssessment
        {
            Stats = a.Stats,
            Score = list.Sum(e => e.Points),
            AbusePoints = list.Where(e => e.Abuse).Sum(e => e.Points),
            Evidence = list,
            IsCulprit = culprit,
            SinceUtc = a.SinceUtc,
            Burst = a.Burst,
            Timeline = a.Timeline,
        };
    }

    /// <summary>
    /// Notifications are backscatter when they answer mail we accepted from others; those that answer a culprit's
    /// own spam are part of that culprit's damage, not a separate source.
    /// </summary>
    private static OriginAssessment JudgeBounces(DiagnoseObserver o, OriginStats bounces, Dictionary<OriginId, OriginAssessment> judged,
        Func<OriginStats, IEnumerable<Evidence>?, bool?, OriginAssessment> assess)
    {
        // Notices answering mail that Internet clients sent to our own domains: accepted first, bounced later.
        var inbound = o.Origins.Values
            .Where(s => s.Id.Kind == CulpritKind.Relay && s.RecipientDomains.Count > 0 && s.RecipientDomains.Items.All(o.OurDomains.Contains))
            .Select(s => s.Id.ToString())
            .ToHashSet(StringComparer.Ordinal);
        var ofInbound = bounces.CausedBy.Counts.Where(p => inbound.Contains(p.Key)).Sum(p => (long)p.Value);
        var extra = new List<Evidence>();
        if (ofInbound >= 3)
        {
            extra.Add(new("bounces-of-inbound", $"{ofInbound} notices answer mail accepted from the Internet for our own domains and bounced afterwards (recipients not validated at SMTP time)", 20, true));
        }
        var culprits = judged.Values.Where(a => a.IsCulprit).Select(a => a.Id.ToString()).ToHashSet(StringComparer.Ordinal);
        var ofCulprits = bounces.CausedBy.Counts.Where(p => culprits.Contains(p.Key)).Sum(p => (long)p.Value);
        if (ofCulprits == 0)
        {
            return assess(bounces, extra, null);
        }
        extra.Add(new Evidence("bounces-of-culprits", $"{ofCulprits} of {bounces.RemoteRecipients} notices answer the culprits' own spam", 0, false));
        var judged2 = assess(bounces, extra, null);
        var rest = bounces.RemoteRecipients - ofCulprits;
        return judged2.IsCulprit && rest >= MinimumVolume ? judged2 : assess(bounces, extra, false);
    }

    /// <summary>
    /// The first minute of the first bin far above the series' own baseline (its median bin): at least 5 times it and
    /// at least 10, and a quarter of the peak; null when the series has no such burst.
    /// </summary>
    private static DateTime? BurstStart(long[] bins, DateTime start, TimeSpan width, MinuteHistogram minutes)
    {
        if (bins.Length < 12)
        {
            return null;
        }
        var sorted = bins.Order().ToArray();
        var baseline = Math.Max(1, sorted[sorted.Length / 2]);
        var peak = sorted[^1];
        if (peak < 20 || peak < 5 * baseline)
        {
            return null;
        }
        var threshold = Math.Max(5 * baseline, peak / 4);
        for (var i = 0; i < bins.Length; i++)
        {
            if (bins[i] >= threshold)
            {
                var binStart = start + (width * i);
                return minutes.FirstAtOrAfter(binStart) ?? binStart;
            }
        }
        return null;
    }

    private static List<ProviderFinding> Providers(DiagnoseObserver o)
    {
        var list = new List<ProviderFinding>();
        foreach (var p in o.Providers.Values)
        {
            var traffic = o.ProviderTraffic.Counts.GetValueOrDefault(p.Provider);
            var cls = p.Classes.OrderByDescending(c => c.Value).First().Key;
            list.Add(new ProviderFinding(
                p.Provider,
                p.Refusals,
                o.RemoteRecipients == 0 ? 0 : (double)p.Refusals / o.RemoteRecipients,
                traffic > 0 ? Math.Min(1, (double)p.Refusals / traffic) : null,
                p.FirstUtc,
                p.LastUtc,
                p.Rules.Top(5).Select(r => r.Key).ToList(),
                cls,
                p.Example?.Advice,
                p.Example?.Link,
                p.ExampleReply));
        }
        return list.OrderByDescending(p => p.Refusals).ThenBy(p => p.Provider, StringComparer.Ordinal).ToList();
    }

    public static string Pct(double share) => $"{share * 100:F0}%";

    public static string Human(TimeSpan t) =>
        t.TotalDays >= 2 ? $"{t.TotalDays:F0} days" : t.TotalHours >= 2 ? $"{t.TotalHours:F0} hours" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:F0} minutes" : "under a minute";
}
