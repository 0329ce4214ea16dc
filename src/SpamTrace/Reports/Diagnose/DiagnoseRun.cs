using SpamTrace.Forensics;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Reports.Diagnose;

/// <summary>What the renderers show: the diagnosis, what was read, and a note when it ran on the bundled sample.</summary>
public sealed record DiagnoseRun(Diagnosis Diagnosis, LogStatistics? Statistics, string? SourceNote);
