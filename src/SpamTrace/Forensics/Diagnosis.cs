using SpamTrace.Reputation;

namespace SpamTrace.Forensics;

/// <summary>One reason an origin looks like a spam source, with the points it adds to the score.</summary>
/// <param name="Code">Stable identifier (JSON): many-client-ips, brute-force, deferral-rate...</param>
/// <param name="Text">What was seen, in words, with the numbers.</param>
/// <param name="Points">What it adds to the score.</param>
/// <param name="Abuse">True for signs of abuse (as opposed to mere volume or shape): a culprit needs some.</param>
public sealed record Evidence(string Code, string Text, int Points, bool Abuse);

/// <summary>A command to run, with what it does; commands quote every piece of log text for the shell.</summary>
public sealed record ActionStep(string Title, string? Command, string? Note = null);

/// <summary>One origin's judgement: the stats, the explained score, the timeline and, for culprits, what to do.</summary>
public sealed class OriginAssessment
{
    public required OriginStats Stats { get; init; }
    public OriginId Id => Stats.Id;
    public required int Score { get; init; }
    public required int AbusePoints { get; init; }
    public required IReadOnlyList<Evidence> Evidence { get; init; }
    public required bool IsCulprit { get; init; }
    /// <summary>When the burst started (the first minute of the burst), else the origin's first message.</summary>
    public required DateTime SinceUtc { get; init; }
    public required bool Burst { get; init; }
    public required long[] Timeline { get; init; }
    /// <summary>Messages of this origin still waiting in the queue snapshot (--queue), when one was given.</summary>
    public long? Queued { get; set; }
    public IReadOnlyList<ActionStep> Actions { get; set; } = [];

    /// <summary>The script that sent most of a local origin's mail (at least half of the messages naming one), if any.</summary>
    public string? MainScript => Verdicts.MainScript(Stats);

    /// <summary>"sasl:alice", or "local:33 (www-data)" when the uid's name is known.</summary>
    public string Label => Stats.UserName is { } n ? $"{Id} ({n})" : Id.ToString();

    /// <summary>The verdict in words: a culprit's ("stolen or abused account", "hacked script x.php (PHP mail())", "open relay: ...",
    /// "backscatter ..."), or for any other origin a neutral description ("authenticated login", "non-delivery notices").</summary>
    public string Verdict { get; init; } = "";
    /// <summary>For backscatter: our domains the injected mail was addressed to (where recipient validation is missing).</summary>
    public IReadOnlyList<string> TargetDomains { get; init; } = [];
}

/// <summary>A receiver that refuses us for reputation: who, since when, how much.</summary>
public sealed record ProviderFinding(
    string Provider,
    long Refusals,
    double ShareOfOutbound,
    double? ShareOfProviderTraffic,
    DateTime FirstUtc,
    DateTime LastUtc,
    IReadOnlyList<string> Rules,
    ReplyClass Class,
    string? Advice,
    string? Link,
    string? ExampleReply);

/// <summary>The whole answer of diagnose.</summary>
public sealed class Diagnosis
{
    public required DateTime? FirstSeenUtc { get; init; }
    public required DateTime? LastSeenUtc { get; init; }
    public required long Chains { get; init; }
    public required long OutboundMessages { get; init; }
    /// <summary>Recipients outside our own domains handed to other hosts.</summary>
    public required long RemoteRecipients { get; init; }
    /// <summary>Messages from origins that wrote only to our own domains (inbound through a relay domain's next hop, internal mail).</summary>
    public long InboundMessages { get; init; }
    /// <summary>Our own domains, each with where that is known from (a Postfix parameter or the log).</summary>
    public IReadOnlyDictionary<string, string> OwnDomains { get; init; } = new Dictionary<string, string>();
    /// <summary>Where the Postfix configuration was read from, null when diagnose learned from the log alone.</summary>
    public string? ServerSource { get; init; }
    public required long AuthFailures { get; init; }
    public required long RelayDenied { get; init; }
    /// <summary>Every origin of outbound mail, highest score first.</summary>
    public required IReadOnlyList<OriginAssessment> Origins { get; init; }
    public required IReadOnlyList<ProviderFinding> Providers { get; init; }
    /// <summary>When the incident started: the earliest culprit's own start; null without culprits.</summary>
    public required DateTime? BurstStartUtc { get; init; }
    /// <summary>Timeline bins shared by all origins.</summary>
    public required DateTime TimelineStartUtc { get; init; }
    public required TimeSpan TimelineBin { get; init; }
    public required long[] OutboundTimeline { get; init; }
    public List<string> Notes { get; } = [];
    public long? QueueTotal { get; set; }

    public IEnumerable<OriginAssessment> Culprits => Origins.Where(o => o.IsCulprit);
    public bool SpamFound => Origins.Any(o => o.IsCulprit);
}
