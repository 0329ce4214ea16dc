namespace SpamTrace.Dns;

/// <summary>One line of the DNS table: which check, on what, its status (ok, warn, error, unchecked, info), and detail.</summary>
public sealed record DnsCheckRow(string Check, string Subject, string Status, string Detail);
