namespace SpamTrace.Policy.Greylisting.Store;

/// <summary>One greylisting lookup: the triplet, the client whose auto-whitelist entry counts, and the timers.</summary>
public sealed class GreylistQuery
{
    /// <summary>"client-part/sender/recipient", lower case; the client part is a network or "spf:domain" for a pool.</summary>
    public string Key { get; set; } = "";

    /// <summary>
    /// For a pool: the client's own network key. When the pool key has no entry but this one has (the first attempt
    /// came before the pool was known), this entry is used, so a retry is never greylisted anew for it.
    /// </summary>
    public string? AlternateKey { get; set; }

    /// <summary>The client address: the auto-whitelist counts per address, as postgrey's.</summary>
    public string ClientAddress { get; set; } = "";

    public long Now { get; set; }
    public GreylistSettings Settings { get; set; }
}

/// <summary>A stored triplet, for explain.</summary>
public sealed record TripletRecord(string Triplet, long First, long Last);

/// <summary>What the store holds, for status.</summary>
public sealed record GreylistStoreCounts(long Triplets, long Waiting, long Passed, long AutoWhitelistedClients, long Expired);

/// <summary>
/// Greylisting state. <see cref="CheckAsync"/> is atomic per triplet and client: two retries racing on two
/// connections (or two MX hosts sharing Redis) see one consistent history.
/// </summary>
public interface IGreylistStore : IAsyncDisposable
{
    ValueTask<GreylistOutcome> CheckAsync(GreylistQuery query, CancellationToken cancellationToken);

    /// <summary>Triplets whose text contains <paramref name="needle"/> (an address, domain, network or IP).</summary>
    ValueTask<IReadOnlyList<TripletRecord>> FindAsync(string needle, int max, CancellationToken cancellationToken);

    /// <summary>The auto-whitelist entry of a client address (Exists false when none).</summary>
    ValueTask<ClientEntry> ClientAsync(string address, CancellationToken cancellationToken);

    /// <summary>Counts of what the store holds; null when counting would scan a shared store.</summary>
    ValueTask<GreylistStoreCounts?> CountsAsync(long now, GreylistSettings settings, CancellationToken cancellationToken);
}
