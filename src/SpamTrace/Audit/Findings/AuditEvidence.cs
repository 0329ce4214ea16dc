namespace SpamTrace.Audit.Findings;

/// <summary>
/// Where a finding comes from: a file and line ("main.cf:42"), or a service and parameter when the value is a
/// default or an override ("master.cf submission -o smtpd_tls_security_level"), with the value seen.
/// </summary>
public sealed record AuditEvidence(string Location, string? Value = null)
{
    public string? File { get; init; }
    public int? Line { get; init; }
    public string? Service { get; init; }
    public string? Parameter { get; init; }

    public override string ToString() => Value is null ? Location : $"{Location}: {Value}";
}
