using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Relay;

namespace SpamTrace.Audit.Checks;

/// <summary>Hardening: what makes the server easier to probe, guess or spoof.</summary>
public static partial class HardeningChecks
{
    public static readonly TimeSpan CertificateWarning = TimeSpan.FromDays(21);

    public static readonly ConfigCheck Vrfy = new("hardening.vrfy", AuditSeverity.Low,
        "VRFY is enabled",
        "VRFY tells anyone which addresses exist: a list to guess passwords for and to spam.",
        ctx => ctx.Config.Bool("disable_vrfy_command") ? [] : [new CheckHit([ctx.Evidence("disable_vrfy_command")]) { Changes = [AuditContext.Main("disable_vrfy_command", "yes")] }]);

    public static readonly ConfigCheck HeloRequired = new("hardening.helo-not-required", AuditSeverity.Low,
        "HELO is not required",
        "Spam software that skips HELO passes; and helo restrictions can only run on a HELO.",
        ctx => ctx.Config.Bool("smtpd_helo_required") ? [] : [new CheckHit([ctx.Evidence("smtpd_helo_required")]) { Changes = [AuditContext.Main("smtpd_helo_required", "yes")] }]);

    public static readonly ConfigCheck OldTls = new("hardening.old-tls", AuditSeverity.Low,
        "SSLv3, TLSv1 or TLSv1.1 allowed for AUTH sessions",
        "Protocols with known attacks should not carry passwords; mandatory TLS (submission) can require TLSv1.2.",
        FindOldTls);

    public static readonly ConfigCheck Certificate = new("hardening.certificate", AuditSeverity.High,
        "The TLS certificate has expired or expires soon",
        "With an expired certificate, clients refuse to submit and receivers that verify fall back or refuse.",
        FindCertificates);

    public static readonly ConfigCheck NoGreylisting = new("hardening.no-greylisting", AuditSeverity.Info,
        "No greylisting on port 25",
        "Greylisting refuses the first attempt of unknown senders; bulk spam software rarely retries. spamtrace policy serve has it (the greylist section of its config).",
        ctx => ctx.Mx.Where(s => !RestrictionEvaluator.Lists.Any(l => ctx.Items(l, s.Service).Contains("check_policy_service")))
            .Select(s => new CheckHit([ctx.Evidence("smtpd_recipient_restrictions", s.Service)])
            {
                Service = s.Service?.Name,
                Note = $"Enable the greylist section of the policy config and add {LimitChecks.PolicyService} to smtpd_recipient_restrictions after reject_unauth_destination.",
            }));

    public static readonly ConfigCheck NoPostscreen = new("hardening.no-postscreen", AuditSeverity.Info,
        "postscreen is not used",
        "On a busy MX postscreen turns away bots before they take an smtpd process (pregreet test, DNSBL scores).",
        ctx => ctx.Config.Services.Count > 0 && !ctx.Config.Services.Any(s => s.IsPostscreen) && ctx.Mx.Any()
            ? [new CheckHit([new AuditEvidence(ctx.Config.Services.FirstOrDefault(s => s.IsInetSmtpd && s.Port == 25)?.Location ?? "master.cf", "smtp inet ... smtpd")])
                { Note = "Advice for servers receiving much Internet mail: see POSTSCREEN_README (smtp inet ... postscreen, smtpd pass ... smtpd, dnsblog, tlsproxy)." }]
            : []);

    public static readonly ConfigCheck Dovecot = new("hardening.dovecot-auth", AuditSeverity.Medium,
        "Dovecot allows plaintext passwords without TLS, or no delay after a failed login",
        "Submission AUTH goes through Dovecot: plaintext logins without TLS can be read on the way, and without auth_failure_delay guessing goes at full speed.",
        FindDovecot);

    private static IEnumerable<CheckHit> FindOldTls(AuditContext ctx)
    {
        foreach (var s in ctx.Submission)
        {
            foreach (var name in new[] { "smtpd_tls_mandatory_protocols", "smtpd_tls_protocols" })
            {
                var allowed = AllowedOld(ctx.Config.Get(name, s.Service));
                if (allowed.Count == 0) { continue; }
                yield return new CheckHit([ctx.Evidence(name, s.Service)])
                {
                    Service = s.Service?.Name,
                    Title = $"{s.Label}: {name} allows {string.Join(", ", allowed)}",
                    Changes = [AuditContext.Master(s.Service, name, ">=TLSv1.2")],
                };
                break;
            }
        }
    }

    /// <summary>Which of SSLv3, TLSv1, TLSv1.1 a Postfix protocol list lets through ("!SSLv2, !SSLv3", ">=TLSv1.2", "TLSv1.2 TLSv1.3").</summary>
    public static List<string> AllowedOld(string value)
    {
        string[] old = ["SSLv3", "TLSv1", "TLSv1.1"];
        var items = Config.PostfixConfig.Items(value.Replace(":", " ", StringComparison.Ordinal));
        var min = items.FirstOrDefault(i => i.StartsWith(">=", StringComparison.Ordinal));
        if (min is not null)
        {
            var order = new[] { "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" };
            var at = Array.IndexOf(order, min[2..]);
            return at < 0 ? [] : order.Skip(at).Where(old.Contains).ToList();
        }
        var positive = items.Where(i => !i.StartsWith('!')).ToList();
        if (positive.Count > 0)
        {
            return old.Where(positive.Contains).ToList();
        }
        return old.Where(o => !items.Contains("!" + o)).ToList();
    }

    private static IEnumerable<CheckHit> FindCertificates(AuditContext ctx)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (_, service) in RelaySimulator.SmtpdServices(ctx.Config))
        {
            foreach (var name in new[] { "smtpd_tls_cert_file", "smtpd_tls_chain_files", "smtpd_tls_eccert_file" })
            {
                foreach (var f in ctx.Items(name, service).Where(f => f.StartsWith('/')))
                {
                    files.Add(f);
                }
            }
        }
        foreach (var file in files)
        {
            if (ctx.Host.ReadText(file) is not { } pem) { continue; }
            var certificate = FirstCertificate(pem);
            if (certificate is null) { continue; }
            var left = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()) - ctx.Host.Now;
            if (left > CertificateWarning) { continue; }
            var expired = left <= TimeSpan.Zero;
            yield return new CheckHit([new AuditEvidence(file, $"{certificate.Subject}, valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC") { File = file }])
            {
                Severity = expired ? AuditSeverity.High : AuditSeverity.Medium,
                Title = expired ? $"The TLS certificate {Path.GetFileName(file)} has expired" : $"The TLS certificate {Path.GetFileName(file)} expires in {Math.Max(0, (int)left.TotalDays)} days",
                Note = "Renew it (certbot renew, or your CA) and reload Postfix and Dovecot.",
            };
        }
    }

    private static X509Certificate2? FirstCertificate(string pem)
    {
        var m = PemCertificate().Match(pem);
        if (!m.Success) { return null; }
        try
        {
            return X509CertificateLoader.LoadCertificate(Convert.FromBase64String(m.Groups["b"].Value));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static IEnumerable<CheckHit> FindDovecot(AuditContext ctx)
    {
        var settings = new Dictionary<string, (string Value, string File, int Line)>(StringComparer.Ordinal);
        foreach (var file in ctx.Host.DovecotFiles)
        {
            if (ctx.Host.ReadText(file) is not { } text) { continue; }
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (DovecotSetting().Match(lines[i]) is { Success: true } m)
                {
                    settings[m.Groups["k"].Value] = (m.Groups["v"].Value.Trim(), file, i + 1);
                }
            }
        }
        if (ctx.Host.DovecotFiles.Count == 0) { yield break; }
        if ((settings.TryGetValue("disable_plaintext_auth", out var d) && d.Value == "no")
            || (settings.TryGetValue("auth_allow_cleartext", out d) && d.Value == "yes"))
        {
            yield return new CheckHit([new AuditEvidence($"{d.File}:{d.Line}", d.Value) { File = d.File, Line = d.Line }])
            {
                Title = "Dovecot accepts plaintext passwords on unencrypted connections",
                OtherCommands = [$"sed -i {Common.ShellQuote.Quote($"{d.Line}s/=.*/= {(d.Value == "no" ? "yes" : "no")}/")} {Common.ShellQuote.Quote(d.File)}"],
            };
        }
        if (settings.TryGetValue("auth_failure_delay", out var f) && f.Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() is { } delay && delay.All(c => c == '0'))
        {
            yield return new CheckHit([new AuditEvidence($"{f.File}:{f.Line}", $"auth_failure_delay = {f.Value}") { File = f.File, Line = f.Line }])
            {
                Title = "Dovecot answers failed logins without delay (auth_failure_delay = 0)",
                Severity = AuditSeverity.Low,
                OtherCommands = [$"sed -i {Common.ShellQuote.Quote($"{f.Line}s/=.*/= 2 secs/")} {Common.ShellQuote.Quote(f.File)}"],
            };
        }
    }

    [GeneratedRegex(@"-----BEGIN CERTIFICATE-----(?<b>[A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----")]
    private static partial Regex PemCertificate();

    [GeneratedRegex(@"^\s*(?<k>disable_plaintext_auth|auth_allow_cleartext|auth_failure_delay)\s*=\s*(?<v>[^#\r\n]*)")]
    private static partial Regex DovecotSetting();
}
