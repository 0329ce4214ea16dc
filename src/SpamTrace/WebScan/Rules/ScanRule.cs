using System.Text.RegularExpressions;

namespace SpamTrace.WebScan.Rules;

/// <summary>How a rule decides that it fired (see the header of Data/webscan-rules.tsv).</summary>
public enum RuleKind { Token, Anywhere, Call, Regex, All, Measure, Placement }

/// <summary>One line of the rule file, parsed: what to look for and how many points it is worth.</summary>
public sealed class ScanRule
{
    public required string Id { get; init; }
    public required int Points { get; init; }
    public required RuleKind Kind { get; init; }
    public required string Pattern { get; init; }
    public required string Description { get; init; }
    /// <summary>Where it was defined (file:line), for error messages.</summary>
    public required string Origin { get; init; }

    /// <summary>Token: the tokens; Call: the function names; Regex: the gate tokens.</summary>
    public IReadOnlyList<string> Tokens { get; init; } = [];
    /// <summary>Call: what the argument text must contain, one of.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public Regex? Expression { get; init; }
    /// <summary>All: each term is satisfied by any one of its rule IDs.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Terms { get; init; } = [];
    /// <summary>Measure or placement: the name of the measure or fact.</summary>
    public string? Name { get; init; }
    public double Threshold { get; init; }
}
