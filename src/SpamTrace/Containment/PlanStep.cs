namespace SpamTrace.Containment;

/// <summary>What a step does. Queue steps act on listed queue IDs; the others change how Postfix accepts mail.</summary>
public enum StepKind
{
    Hold,
    Release,
    Requeue,
    Delete,
    /// <summary>Lines added to an access map file (check_sasl_access, check_sender_access), then postmap.</summary>
    MapEntry,
    /// <summary>A main.cf parameter set with postconf -e.</summary>
    Postconf,
    /// <summary>A master.cf service's -o override (Parameter is "service/type/name") set with postconf -P.</summary>
    ServiceOverride,
    /// <summary><c>spamtrace policy block USER</c> on the running policy service.</summary>
    PolicyBlock,
    /// <summary><c>postfix reload</c> after map and main.cf changes.</summary>
    Reload,
}

/// <summary>
/// One step of a containment plan, with everything needed to do it, show it and undo it. It is serialised as is
/// into the journal, so field names are part of the journal format.
/// </summary>
public sealed class PlanStep
{
    public StepKind Kind { get; set; }
    /// <summary>Postfix config directory; null for the default instance.</summary>
    public string? Instance { get; set; }
    public string Description { get; set; } = "";
    /// <summary>The exact commands, as an admin would type them.</summary>
    public List<string> Commands { get; set; } = [];
    public List<string> Warnings { get; set; } = [];

    /// <summary>Queue steps: the verified queue IDs, fed to postsuper on stdin.</summary>
    public List<string> QueueIds { get; set; } = [];

    /// <summary>Map steps: type (hash, lmdb, texthash...), file, and the exact lines added.</summary>
    public string? MapType { get; set; }
    public string? MapPath { get; set; }
    public List<string> MapLines { get; set; } = [];

    /// <summary>Postconf steps: the parameter, its explicit value before (null: it was at its default) and the new one.</summary>
    public string? Parameter { get; set; }
    public string? OldValue { get; set; }
    public string? NewValue { get; set; }

    /// <summary>Policy steps: the login, and the program and arguments that block and release it.</summary>
    public string? PolicyUser { get; set; }
    public List<string> PolicyBlockCommand { get; set; } = [];
    public List<string> PolicyReleaseCommand { get; set; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsQueueStep => Kind is StepKind.Hold or StepKind.Release or StepKind.Requeue or StepKind.Delete;
}

/// <summary>How the selection went for one selector on one instance: what matched and what was left alone, and why.</summary>
public sealed class SelectionReport
{
    public string Selector { get; set; } = "";
    public string Instance { get; set; } = "";
    public long Listed { get; set; }
    public int Candidates { get; set; }
    public int Selected { get; set; }
    public long SelectedRecipients { get; set; }
    public int AlreadyInState { get; set; }
    public int MixedRecipientsSkipped { get; set; }
    public int LeftQueueWhileReading { get; set; }
    public int RequestedIdsNotInQueue { get; set; }
}

/// <summary>A containment plan: shown in dry runs, executed and journaled with --apply.</summary>
public sealed class ContainmentPlan
{
    public List<PlanStep> Steps { get; set; } = [];
    public List<SelectionReport> Selections { get; set; } = [];
    public List<string> Warnings { get; set; } = [];
    public List<string> Advice { get; set; } = [];
}
