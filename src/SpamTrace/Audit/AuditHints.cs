using SpamTrace.Forensics;

namespace SpamTrace.Audit;

/// <summary>Which config-audit findings explain how a kind of culprit could send (for diagnose's actions).</summary>
public static class AuditHints
{
    public static IReadOnlyList<string> For(CulpritKind kind) => kind switch
    {
        CulpritKind.Relay => ["relay.open", "relay.mynetworks-wide", "relay.mynetworks-style", "relay.relay-domains-wide"],
        CulpritKind.Sasl => ["submission.no-sender-login-check", "limits.no-policy-service", "limits.policy-after-permit", "submission.auth-on-port-25"],
        CulpritKind.Local => ["local.php-no-x-header", "local.no-php-script-logging", "local.submit-users-open"],
        CulpritKind.Bounce => ["backscatter.relay-no-recipient-maps", "backscatter.local-recipient-maps-empty", "backscatter.virtual-no-maps", "backscatter.unlisted-recipient-off", "backscatter.amavis-bounce"],
        _ => [],
    };

    /// <summary>The action text: "run `spamtrace audit` (findings X, Y)", or null when no finding explains the kind.</summary>
    public static string? Advice(CulpritKind kind) => For(kind) is { Count: > 0 } ids
        ? $"Find what made it possible: run `spamtrace audit` on this server (findings {string.Join(", ", ids)})."
        : null;
}
