using SpamTrace.Policy.Store;

namespace SpamTrace.Policy.Limits;

/// <summary>
/// Per-connection scratch state reused across requests (a connection carries one request at a time, as Postfix
/// sends them), plus the RCPT count of the message in progress: one smtpd process owns the connection, so all RCPTs
/// of one message arrive on it, identified by the instance attribute.
/// </summary>
public sealed class DecisionContext
{
    internal readonly StoreRequest StoreRequest = new();
    internal readonly List<LimitRule> CheckRules = [];
    private string? _instance;
    private int _recipients;

    /// <summary>Counts one more RCPT for the message <paramref name="instance"/>; returns the count including it.</summary>
    public int CountRecipient(string? instance)
    {
        if (instance is null || !string.Equals(instance, _instance, StringComparison.Ordinal))
        {
            _instance = instance;
            _recipients = 0;
        }
        return ++_recipients;
    }
}
