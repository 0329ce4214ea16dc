namespace SpamTrace.Dns.Resolving;

/// <summary>DNS cannot be used at all (no resolver answers, a bad --resolver): the audit stops instead of guessing.</summary>
public sealed class DnsUnavailableException(string message) : Exception(message);
