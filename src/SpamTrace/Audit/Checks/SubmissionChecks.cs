using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Relay;

namespace SpamTrace.Audit.Checks;

/// <summary>Submission (587) and submissions (465): only authenticated users, over TLS, as themselves.</summary>
public static class SubmissionChecks
{
    private static readonly string[] LoginMismatch =
        ["reject_sender_login_mismatch", "reject_authenticated_sender_login_mismatch", "reject_known_sender_login_mismatch"];

    public static readonly ConfigCheck AuthNotRequired = new("submission.auth-not-required", AuditSeverity.High,
        "Submission accepts mail without AUTH",
        "A submission port that takes mail without a login is an MX without the MX's spam checks, and users' mail programs never notice a missing password.",
        FindAuthNotRequired);

    public static readonly ConfigCheck TlsNotRequired = new("submission.tls-not-required", AuditSeverity.Medium,
        "Submission allows AUTH without TLS",
        "Passwords sent in the clear on an unencrypted session can be read on the way and then sell as stolen logins.",
        FindTls);

    public static readonly ConfigCheck SenderLogin = new("submission.no-sender-login-check", AuditSeverity.High,
        "A login may send as any sender address",
        "Without smtpd_sender_login_maps and reject_sender_login_mismatch a stolen login sends as anyone, and the spam does not even carry the account's name.",
        FindSenderLogin);

    public static readonly ConfigCheck AuthOnPort25 = new("submission.auth-on-port-25", AuditSeverity.Medium,
        "Port 25 offers AUTH",
        "AUTH on the MX port draws the world's password-guessing bots to every account; users submit on 587/465.",
        FindAuthOn25);

    private static IEnumerable<CheckHit> FindAuthNotRequired(AuditContext ctx)
    {
        foreach (var s in ctx.Submission)
        {
            var v = s.Verdicts.FirstOrDefault(x => x.Client.Kind == ClientKind.Internet && x.RecipientIsOurs);
            if (v is null || v.Outcome != RelayOutcome.Accepted) { continue; }
            var evidence = new List<AuditEvidence> { ctx.Evidence("smtpd_sasl_auth_enable", s.Service), ctx.Evidence("smtpd_client_restrictions", s.Service) };
            if (v.DecidedBy is { } by) { evidence.Add(new AuditEvidence($"{s.Label}: Internet client without AUTH", $"accepted by {by}")); }
            yield return new CheckHit(evidence)
            {
                Service = s.Service?.Name,
                Changes = [AuditContext.Master(s.Service, "smtpd_sasl_auth_enable", "yes"), AuditContext.Master(s.Service, "smtpd_client_restrictions", "permit_sasl_authenticated,reject")],
            };
        }
    }

    private static IEnumerable<CheckHit> FindTls(AuditContext ctx)
    {
        foreach (var s in ctx.Submission)
        {
            if (!s.AuthOffered) { continue; }
            if (s.Port == 465)
            {
                if (ctx.Config.Bool("smtpd_tls_wrappermode", s.Service)) { continue; }
                yield return new CheckHit([ctx.Evidence("smtpd_tls_wrappermode", s.Service)])
                {
                    Service = s.Service?.Name,
                    Title = "Port 465 runs without smtpd_tls_wrappermode: AUTH over plain text",
                    Changes = [AuditContext.Master(s.Service, "smtpd_tls_wrappermode", "yes")],
                };
                continue;
            }
            var level = ctx.Config.Get("smtpd_tls_security_level", s.Service);
            if (level == "encrypt" || ctx.Config.Bool("smtpd_tls_auth_only", s.Service)) { continue; }
            yield return new CheckHit([ctx.Evidence("smtpd_tls_security_level", s.Service), ctx.Evidence("smtpd_tls_auth_only", s.Service)])
            {
                Service = s.Service?.Name,
                Changes = [AuditContext.Master(s.Service, "smtpd_tls_security_level", "encrypt")],
            };
        }
    }

    private static IEnumerable<CheckHit> FindSenderLogin(AuditContext ctx)
    {
        foreach (var s in ctx.Submission)
        {
            if (!s.AuthOffered) { continue; }
            var maps = ctx.Items("smtpd_sender_login_maps", s.Service);
            var lists = RestrictionEvaluator.Lists.SelectMany(l => ctx.Items(l, s.Service)).ToList();
            var mismatch = lists.Any(i => LoginMismatch.Contains(i));
            if (maps.Count > 0 && mismatch) { continue; }
            var changes = new List<ConfigChange>();
            if (!mismatch)
            {
                var sender = ctx.Items("smtpd_sender_restrictions", s.Service);
                changes.Add(AuditContext.Master(s.Service, "smtpd_sender_restrictions", string.Join(",", sender.Prepend("reject_sender_login_mismatch"))));
            }
            yield return new CheckHit([ctx.Evidence("smtpd_sender_login_maps", s.Service), ctx.Evidence("smtpd_sender_restrictions", s.Service)])
            {
                Service = s.Service?.Name,
                Changes = changes,
                Note = maps.Count == 0
                    ? "smtpd_sender_login_maps must map each sender address to the logins that may use it (iRedMail: a mysql/ldap query on the mailbox and alias tables); set it before reject_sender_login_mismatch or every sender is refused."
                    : null,
            };
        }
    }

    private static IEnumerable<CheckHit> FindAuthOn25(AuditContext ctx)
    {
        foreach (var s in ctx.Mx)
        {
            if (!s.AuthOffered) { continue; }
            var changes = new List<ConfigChange>();
            foreach (var sub in ctx.Submission.Where(x => x.Service is not null && x.Service.OverrideOf("smtpd_sasl_auth_enable") is null))
            {
                changes.Add(AuditContext.Master(sub.Service, "smtpd_sasl_auth_enable", "yes"));
            }
            changes.Add(s.Service?.OverrideOf("smtpd_sasl_auth_enable") is not null
                ? AuditContext.Master(s.Service, "smtpd_sasl_auth_enable", "no")
                : AuditContext.Main("smtpd_sasl_auth_enable", "no"));
            yield return new CheckHit([ctx.Evidence("smtpd_sasl_auth_enable", s.Service)])
            {
                Service = s.Service?.Name,
                Changes = changes,
                Note = "Check first that no mail client of your users submits on port 25.",
            };
        }
    }
}
