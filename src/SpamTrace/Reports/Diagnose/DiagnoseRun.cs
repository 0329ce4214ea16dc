using SpamTrace.Forensics;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Reports.Diagnose;

/// <summary>What the renderers show: the diagnosis, what was read, and a note when it ran on the bundled sample.</summary>
public sealed record DiagnoseRun(Diagnosis Diagnosis, LogStatistics? Statistics, string? SourceNote)
{
    /// <summary>The server the log comes from (its syslog host), for the report's title; null when unknown.</summary>
    public string? Server { get; init; }

    /// <summary>When the report was made; null: now.</summary>
    public DateTime? GeneratedUtc { get; init; }
}
