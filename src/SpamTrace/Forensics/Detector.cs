namespace SpamTrace.Forensics;

/// <summary>
/// Turns the observer's counters into a ranking. Each origin is judged by the model of its kind (<see cref="KindEvidence"/>):
/// the signs that define that abuse earn points, receivers' refusals and volume corroborate (<see cref="EvidenceSet"/>).
/// One rule makes culprits: a score of <see cref="CulpritScore"/> or more, always. Every point is earned by the
/// origin it is shown on.
/// </summary>
public static class Detector
{
    /// <summary>Below this many remote recipients an origin is never called a culprit: too little to judge, too little to matter.</summary>
    public const int MinimumVolume = 4;
    public const int CulpritScore = 40;

    /// <summary>The rule, in the words the reports print.</summary>
    public static readonly string CulpritRule =
        $"An origin scoring {CulpritScore} or more is a culprit, always. Points come only from what that origin did: the signs that define its kind of abuse, "
        + $"and at most {EvidenceSet.CorroborationCap} (never more than those signs) from receivers' refusals and volume.";

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
        private readonly Quartile _recipients;

        public Population(IReadOnlyCollection<OriginStats> users)
        {
            _users = new HashSet<OriginStats>(users, ReferenceEqualityComparer.Instance);
            _deferral = new Quartile(users, s => s.DeferralRate);
            _bounce = new Quartile(users, s => s.BounceRate);
            _reputation = new Quartile(users, s => s.ReputationRate);
            _loginIps = new Quartile(users, LoginIpCount);
            _recipients = new Quartile(users, s => s.Tally.DistinctAddresses, upper: true);
        }

        public static Population Of(IEnumerable<OriginStats> origins) =>
            new(origins.Where(s => s.Id.Kind is CulpritKind.Sasl or CulpritKind.Local && s.Messages >= 2).ToList());

        public double DeferralRate(OriginStats self) => _deferral.Without(self, _users);
        public double BounceRate(OriginStats self) => _bounce.Without(self, _users);
        public double ReputationRate(OriginStats self) => _reputation.Without(self, _users);
        public double LoginIps(OriginStats self) => Math.Max(1, _loginIps.Without(self, _users));
        /// <summary>The upper quartile of distinct recipients per user: how widely the busier peers write.</summary>
        public double DistinctRecipients(OriginStats self) => _recipients.Without(self, _users);

        private static double LoginIpCount(OriginStats s) => s.Id.Kind == CulpritKind.Sasl ? s.ClientIps.Count : double.NaN;

        /// <summary>The lower (or upper) quartile of one measure over the population (NaN values left out), with or without one member.</summary>
        private sealed class Quartile(IEnumerable<OriginStats> users, Func<OriginStats, double> value, bool upper = false)
        {
            private readonly double[] _sorted = users.Select(value).Where(v => !double.IsNaN(v)).Order().ToArray();
            private readonly Func<OriginStats, double> _value = value;

            public double Without(OriginStats self, HashSet<OriginStats> members)
            {
                var own = members.Contains(self) ? _value(self) : double.NaN;
                if (double.IsNaN(own))
                {
                    return _sorted.Length == 0 ? 0 : _sorted[Index(_sorted.Length)];
                }
                var n = _sorted.Length - 1;
                if (n == 0)
                {
                    return 0;
                }
                // Leaving out one copy of its value shifts every later element down by one.
                var k = Index(n);
                var at = LowerBound(_sorted, own);
                return k < at ? _sorted[k] : _sorted[k + 1];
            }

            private int Index(int n) => upper ? n - 1 - (n / 4) : n / 4;

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
        var domains = new DomainKnowledge(o);
        domains.Apply();
        var hasTime = o.FirstSeenUtc != DateTime.MaxValue;
        var first = hasTime ? o.FirstSeenUtc : DateTime.UnixEpoch;
        var last = hasTime ? o.LastSeenUtc : DateTime.UnixEpoch;
        var (binStart, binWidth, bins) = TimelineBins.For(first, last);

        // Outbound origins wrote to someone outside our domains; the rest sent only inbound or internal mail.
        var outbound = o.Origins.Values.Where(s => s.ExternalRecipients > 0).ToList();
        var inboundOnly = o.Origins.Values.Where(s => s.ExternalRecipients <= 0).ToList();
        var ctx = new JudgeContext(o, domains, Population.Of(outbound), first, last, binStart, binWidth, bins)
        {
            ExternalTotal = outbound.Sum(s => s.ExternalRecipients),
            InternetRelayTotal = outbound.Where(s => s.Id.Kind == CulpritKind.Relay && !domains.IsTrustedClient(s.Id.Key)).Sum(s => s.ExternalRecipients),
            InboundClients = inboundOnly.Where(s => s.Id.Kind == CulpritKind.Relay && !domains.IsTrustedClient(s.Id.Key)).ToDictionary(s => s.Id.ToString(), StringComparer.Ordinal),
        };

        var assessments = new List<OriginAssessment>();
        foreach (var s in outbound.Where(s => s.Id.Kind != CulpritKind.Bounce))
        {
            assessments.Add(Assess(ctx, s, null));
        }
        var culprits = assessments.Where(a => a.IsCulprit).Select(a => a.Id.ToString()).ToHashSet(StringComparer.Ordinal);
        foreach (var s in outbound.Where(s => s.Id.Kind == CulpritKind.Bounce))
        {
            assessments.Add(Assess(ctx, s, culprits));
        }

        var ranked = assessments
            .OrderByDescending(a => a.IsCulprit)
            .ThenByDescending(a => a.Score)
            .ThenByDescending(a => a.Stats.ExternalRecipients)
            .ThenBy(a => a.Id.ToString(), StringComparer.Ordinal)
            .ToList();
        var timeline = new MinuteHistogram();
        foreach (var s in outbound)
        {
            timeline.AddAll(s.Timeline);
        }
        var diagnosis = new Diagnosis
        {
            FirstSeenUtc = hasTime ? first : null,
            LastSeenUtc = hasTime ? last : null,
            Chains = o.Chains,
            OutboundMessages = outbound.Sum(s => s.Messages),
            RemoteRecipients = ctx.ExternalTotal,
            InboundMessages = inboundOnly.Sum(s => s.Messages),
            AuthFailures = o.AuthFailures,
            RelayDenied = o.RelayDenied,
            Origins = ranked,
            Providers = Providers(o),
            BurstStartUtc = ranked.Where(a => a.IsCulprit).Select(a => (DateTime?)a.SinceUtc).Min(),
            TimelineStartUtc = binStart,
            TimelineBin = binWidth,
            OutboundTimeline = timeline.Bin(binStart, binWidth, bins),
            OwnDomains = domains.Sources,
            ServerSource = o.Server.Source,
        };
        diagnosis.Notes.AddRange(o.Server.Notes);
        diagnosis.Notes.AddRange(domains.Notes);
        if (o.Greylisting.Note() is { } greylisting)
        {
            diagnosis.Notes.Add(greylisting);
        }
        if (hasTime && last - first < TimeSpan.FromHours(2))
        {
            diagnosis.Notes.Add($"The log covers {Human(last - first)}: too short to compare each origin with its own baseline; judged on its behaviour only.");
        }
        else if (hasTime && last - first >= Baselines.MultiDay)
        {
            diagnosis.Notes.Add($"The log covers {Human(last - first)}: each origin's volume is compared with its own earlier days.");
        }
        if (o.Chains == 0)
        {
            diagnosis.Notes.Add("No message was found in the log.");
        }
        return diagnosis;
    }

    private static OriginAssessment Assess(JudgeContext ctx, OriginStats s, HashSet<string>? culprits)
    {
        var burst = Baselines.BurstStart(s.Timeline, ctx.First, ctx.Last, ctx.BinStart, ctx.BinWidth, ctx.Bins);
        var evidence = new EvidenceSet();
        var finding = KindEvidence.Add(ctx, s, evidence, burst, culprits);
        var list = evidence.Final();
        var score = list.Sum(e => e.Points);
        // Mail whose origin the log does not show cannot be stopped from here: its model has no signs, it scores nothing.
        var culprit = score >= CulpritScore;
        return new OriginAssessment
        {
            Stats = s,
            Score = score,
            AbusePoints = list.Where(e => e.Abuse).Sum(e => e.Points),
            Evidence = list,
            IsCulprit = culprit,
            SinceUtc = burst ?? s.FirstSeenUtc,
            Burst = burst is not null,
            Timeline = s.Timeline.Bin(ctx.BinStart, ctx.BinWidth, ctx.Bins),
            Verdict = Verdicts.For(s, culprit, finding),
            TargetDomains = finding.TargetDomains,
        };
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
