using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Store;

namespace SpamTrace.Policy.Admin;

/// <summary>What `spamtrace policy status` shows; also the admin socket's JSON answer.</summary>
public sealed class AdminStatus
{
    public bool ServiceRunning { get; set; }
    public string Store { get; set; } = "";
    public List<UserRate> TopUsers { get; set; } = [];
    public List<ContainedAccount> Contained { get; set; } = [];
    public List<Incident> Incidents { get; set; } = [];
    public Dictionary<string, long> Decisions { get; set; } = [];
    public long StoreErrors { get; set; }
    public long OpenConnections { get; set; }
    public Greylisting.GreylistStatus? Greylist { get; set; }
}

/// <summary>Result of block or release.</summary>
public sealed class AdminResult
{
    public bool Changed { get; set; }
    public string Message { get; set; } = "";

    /// <summary>For release: queue IDs of the account's messages that Postfix put on hold while it was contained.</summary>
    public List<string> Held { get; set; } = [];
}
