namespace SpamTrace.Audit.Probe;

/// <summary>The probe could not talk to the server (refused, timed out, closed, not SMTP); the message says which.</summary>
public sealed class SmtpProbeException(string message, Exception? inner = null) : Exception(message, inner);
