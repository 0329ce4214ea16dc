namespace SpamTrace.Policy.Limits;

/// <summary>One configured limit: a key, what is counted, the windows, and what to answer when exceeded.</summary>
public sealed class LimitRule
{
    public required string Name { get; init; }
    public required LimitKey Key { get; init; }
    public required LimitCount Count { get; init; }
    public LimitAlgorithm Algorithm { get; init; } = LimitAlgorithm.Sliding;
    public IReadOnlyList<LimitWindow> Windows { get; init; } = [];

    /// <summary>For <see cref="LimitCount.RecipientsPerMessage"/>: the cap.</summary>
    public int MaxPerMessage { get; init; }

    public required PolicyAction Action { get; init; }

    /// <summary>Prefix lengths for <see cref="LimitKey.ClientNetwork"/>.</summary>
    public int PrefixV4 { get; init; } = 24;
    public int PrefixV6 { get; init; } = 64;

    /// <summary>Per-key replacements of <see cref="Windows"/> (an empty list means unlimited), keys lower-cased.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LimitWindow>> Overrides { get; init; } = new Dictionary<string, IReadOnlyList<LimitWindow>>();

    /// <summary>Per-key replacements of <see cref="MaxPerMessage"/>.</summary>
    public IReadOnlyDictionary<string, int> MaxPerMessageOverrides { get; init; } = new Dictionary<string, int>();

    public IReadOnlyList<LimitWindow> WindowsFor(string key) => Overrides.TryGetValue(key, out var w) ? w : Windows;

    public int MaxPerMessageFor(string key) => MaxPerMessageOverrides.TryGetValue(key, out var m) ? m : MaxPerMessage;
}
