namespace SpamTrace.Audit.Relay;

public enum RelayOutcome
{
    Accepted,
    Rejected,
    Deferred,
    /// <summary>A lookup or service whose answer is not in the files decides.</summary>
    Undecided,
    /// <summary>The case does not apply (AUTH not offered, service on loopback only, mynetworks is loopback only).</summary>
    NotApplicable,
}

/// <summary>The restriction that settled a case: which list, its 1-based position there, and the item.</summary>
public sealed record DecidingRestriction(string List, int Position, string Item, string? Detail = null)
{
    public override string ToString() => $"{Item} ({List} #{Position}){(Detail is null ? "" : ": " + Detail)}";
}

/// <summary>One case of the simulation: a service, a client, a recipient class, and what happens.</summary>
public sealed record RelayVerdict(string Service, RelayClient Client, bool RecipientIsOurs, RelayOutcome Outcome, DecidingRestriction? DecidedBy)
{
    /// <summary>Lookups and policy services on the way that might change the answer.</summary>
    public IReadOnlyList<string> Caveats { get; init; } = [];
    public string? Reason { get; init; }

    /// <summary>Mail for another domain accepted from this client: it may relay.</summary>
    public bool Relays => !RecipientIsOurs && Outcome == RelayOutcome.Accepted;
}
