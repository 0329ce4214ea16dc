using SpamTrace.Audit.Findings;

namespace SpamTrace.Audit.Checks;

/// <summary>The name the server gives itself: receivers check it against DNS.</summary>
public static class IdentityChecks
{
    public static readonly ConfigCheck NotFqdn = new("helo.myhostname-not-fqdn", AuditSeverity.Medium,
        "myhostname is not a fully-qualified domain name",
        "Receivers refuse or score mail whose HELO is not a resolvable FQDN (reject_non_fqdn_helo_hostname, spam filters).",
        ctx =>
        {
            var name = ctx.Config.Get("myhostname");
            var bad = !name.Contains('.') || name.EndsWith(".localdomain", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("localhost", StringComparison.OrdinalIgnoreCase);
            return bad ? [new CheckHit([ctx.Evidence("myhostname")]) { Note = "Set it to the name the PTR of the sending address gives: postconf -e 'myhostname = mail.example.com'." }] : [];
        });

    public static readonly ConfigCheck HeloOverride = new("helo.smtp-helo-name", AuditSeverity.Low,
        "smtp_helo_name differs from myhostname",
        "Outbound mail then greets with another name than the one the rest of the config (and usually the PTR) uses; check it matches the PTR of the sending address (spamtrace audit dns).",
        ctx =>
        {
            var helo = ctx.Config.Get("smtp_helo_name");
            return ctx.Config.IsExplicit("smtp_helo_name") && !helo.Equals(ctx.Config.Get("myhostname"), StringComparison.OrdinalIgnoreCase)
                ? [new CheckHit([ctx.Evidence("smtp_helo_name"), ctx.Evidence("myhostname")])]
                : [];
        });
}
