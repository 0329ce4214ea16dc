namespace SpamTrace.Logs;

/// <summary>What to read and what to keep while reconstructing message chains.</summary>
public sealed class LogEngineOptions
{
    /// <summary>Keep each record's raw lines (trace --raw). Costs memory per open message.</summary>
    public bool KeepLines { get; init; }

    /// <summary>Only chains and session events whose first line is at or after this time are reported.</summary>
    public DateTime? SinceUtc { get; init; }

    /// <summary>Only chains and session events whose first line is before this time are reported.</summary>
    public DateTime? UntilUtc { get; init; }

    /// <summary>Only this syslog host (central log servers hold several).</summary>
    public string? Host { get; init; }

    /// <summary>Bytes read so far and the total when known (for a progress bar).</summary>
    public Action<long, long?>? Progress { get; init; }
}
