namespace SpamTrace.Dns.Spf;

/// <summary>
/// What check_host() gave: the result, the explanation (fail only), why a permerror/temperror happened, the
/// directive that decided and the domain whose record holds it, and the lookups the evaluation cost.
/// </summary>
public sealed record SpfOutcome(
    SpfResult Result,
    string? Explanation,
    string? Problem,
    string? MatchedTerm,
    string? MatchedDomain,
    int Lookups,
    int VoidLookups);
