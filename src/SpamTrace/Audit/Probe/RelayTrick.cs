namespace SpamTrace.Audit.Probe;

/// <summary>One relay attempt: a sender and a recipient outside the server's domains, written the way an old or lax MTA might mistake for local.</summary>
public sealed record RelayTrick(int Number, string Name, string From, string To);
