namespace SpamTrace.Containment;

/// <summary>What to do with the selected mail. Hold is the default: it is undone by a release.</summary>
public enum QueueAction
{
    Hold,
    Release,
    Requeue,
    Delete,
    /// <summary>Leave the queue alone (blocks only).</summary>
    None,
}

/// <summary>One culprit or explicit selection, and which blocks go with it.</summary>
public sealed class ContainmentTarget
{
    public string Label { get; set; } = "";
    public QueueSelector Selector { get; set; } = new();
    /// <summary>check_sasl_access entries (and the policy service's block list) for the selector's SASL users.</summary>
    public bool BlockLogins { get; set; }
    /// <summary>check_sender_access entries for the selector's exact sender addresses.</summary>
    public bool BlockSenders { get; set; }
    /// <summary>authorized_submit_users exclusions for the selector's uids.</summary>
    public bool StopLocalSubmission { get; set; }
    /// <summary>mynetworks and smtpd_relay_restrictions set to closed values.</summary>
    public bool CloseRelay { get; set; }
}

/// <summary>Everything the planner needs besides the instances.</summary>
public sealed class ContainmentRequest
{
    public List<ContainmentTarget> Targets { get; set; } = [];
    public QueueAction Action { get; set; } = QueueAction.Hold;
    /// <summary>The closed mynetworks value used to shut an open relay.</summary>
    public string ClosedMyNetworks { get; set; } = "127.0.0.0/8 [::1]/128";
    public string ClosedRelayRestrictions { get; set; } = "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination";
    public string LoginBlockAction { get; set; } = "REJECT 5.7.1 account suspended (outbound spam); contact the postmaster";
    public string SenderBlockAction { get; set; } = "REJECT 5.7.1 sender suspended (outbound spam); contact the postmaster";
    /// <summary>Turns uids into user names (authorized_submit_users takes names).</summary>
    public Func<int, string?> UserName { get; set; } = _ => null;
    /// <summary>The policy service's block/release commands, when it is running; null otherwise.</summary>
    public PolicyServiceCommands? Policy { get; set; }
    /// <summary>Additional culprits that cannot be selected (forwarding) or advice to show.</summary>
    public List<string> Advice { get; set; } = [];
}

/// <summary>How to call <c>spamtrace policy block|release USER -c CONFIG</c> (the program, the arguments before the verb, the policy config).</summary>
public sealed record PolicyServiceCommands(string Program, IReadOnlyList<string> PrefixArguments, string ConfigFile)
{
    public List<string> Block(string user) => [Program, .. PrefixArguments, "policy", "block", user, "-c", ConfigFile];
    public List<string> Release(string user) => [Program, .. PrefixArguments, "policy", "release", user, "-c", ConfigFile];
}
