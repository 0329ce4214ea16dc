using SpamTrace.Audit.Checks;
using SpamTrace.Audit.Findings;

namespace SpamTrace.Tests.Audit;

/// <summary>Each check on the good config spoiled in exactly the way the check is about; the good config has none.</summary>
public sealed class ConfigCheckTests : IDisposable
{
    private readonly AuditFixture fx = new();

    public void Dispose() => fx.Dispose();

    private const string MasterOpenSubmission = """
        smtp      inet  n       -       y       -       -       smtpd
        submission inet n       -       y       -       -       smtpd
          -o smtpd_sasl_auth_enable=yes
        """;

    private AuditFinding Finds(string id, string extra = "", string? master = null)
    {
        var report = fx.Audit(extra, master);
        var found = report.Findings.Where(f => f.Id == id).ToList();
        Assert.True(found.Count > 0, $"{id} not found; found: {string.Join(", ", report.Findings.Select(f => f.Id))}");
        return found[0];
    }

    [Fact]
    public void The_good_config_has_only_advice()
    {
        var report = fx.Audit();
        Assert.All(report.Findings, f => Assert.Equal(AuditSeverity.Info, f.Severity));
        Assert.Contains(report.Findings, f => f.Id == "hardening.no-postscreen");
        Assert.Single(report.Sections, s => s.Id == ConfigAudit.RelaySectionId);
    }

    [Fact]
    public void Every_check_id_is_unique_and_has_a_why()
    {
        Assert.Equal(ConfigChecks.All.Count, ConfigChecks.All.Select(c => c.Id).Distinct().Count());
        Assert.All(ConfigChecks.All, c => Assert.False(string.IsNullOrWhiteSpace(c.Why)));
    }

    [Fact]
    public void Open_relay_names_the_permit_and_fixes_the_relay_list()
    {
        var f = Finds("relay.open", "smtpd_relay_restrictions = permit_mynetworks, permit, reject_unauth_destination");
        Assert.Equal(AuditSeverity.Critical, f.Severity);
        Assert.Contains(f.Evidence, e => e.Value!.Contains("permit (smtpd_relay_restrictions #2)", StringComparison.Ordinal));
        Assert.Contains("postconf -e 'smtpd_relay_restrictions=permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination'", f.Fix);
        Assert.True(f.Appliable);
    }

    [Fact]
    public void Wide_mynetworks_counts_the_addresses_and_keeps_loopback()
    {
        var f = Finds("relay.mynetworks-wide", "mynetworks = 127.0.0.0/8 192.0.2.10/32 10.0.0.0/8 198.51.100.0/24");
        Assert.Equal(AuditSeverity.Critical, f.Severity); // 198.51.100.0/24 is not private
        Assert.Contains("16,777,472 addresses", f.Title);
        Assert.DoesNotContain("192.0.2.10", f.Title); // this host's own address is fine
        Assert.Contains("postconf -e 'mynetworks=127.0.0.0/8 192.0.2.10/32'", f.Fix);
    }

    [Fact]
    public void Private_mynetworks_is_high_not_critical()
    {
        Assert.Equal(AuditSeverity.High, Finds("relay.mynetworks-wide", "mynetworks = 127.0.0.0/8 192.168.0.0/16").Severity);
    }

    [Fact]
    public void Mynetworks_style_subnet_under_old_compatibility_level()
    {
        Assert.DoesNotContain(fx.Audit("compatibility_level = 0").Findings, f => f.Id == "relay.mynetworks-style"); // mynetworks is explicit
        var config = fx.LoadRaw("compatibility_level = 1\nmyhostname = mx.example.com\n", AuditFixture.GoodMaster);
        var r = new AuditReport();
        ConfigAudit.AddTo(r, new AuditContext(config, fx.Host, null));
        var f = r.Findings.Single(x => x.Id == "relay.mynetworks-style");
        Assert.Contains(f.Evidence, e => e.Value == "mynetworks_style = subnet");
        Assert.Contains(r.Findings, x => x.Id == "relay.mynetworks-wide" && x.Title.Contains("192.0.2.0/24", StringComparison.Ordinal));
    }

    [Fact]
    public void Relay_domains_with_a_top_level_domain()
    {
        var f = Finds("relay.relay-domains-wide", "relay_domains = partner.example, com\nrelay_recipient_maps = hash:/etc/postfix/rr");
        Assert.Contains("com", f.Title);
        Assert.DoesNotContain(fx.Audit("relay_domains = PH_HOSTNAME, intranet\nrelay_recipient_maps = hash:/x").Findings, x => x.Id == "relay.relay-domains-wide" && x.Title.Contains("PH_", StringComparison.Ordinal));
        Assert.Contains("postconf -e relay_domains=partner.example", f.Fix);
    }

    [Fact]
    public void Submission_without_AUTH_requirement()
    {
        var f = Finds("submission.auth-not-required", master: MasterOpenSubmission);
        Assert.Equal("submission", f.Service);
        Assert.Contains("postconf -P submission/inet/smtpd_client_restrictions=permit_sasl_authenticated,reject", f.Fix);
        Assert.False(f.Appliable);
    }

    [Fact]
    public void Submission_without_TLS_requirement()
    {
        var f = Finds("submission.tls-not-required", master: MasterOpenSubmission);
        Assert.Contains("postconf -P submission/inet/smtpd_tls_security_level=encrypt", f.Fix);
        var smtps = Finds("submission.tls-not-required", master: "smtps inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes");
        Assert.Contains("wrappermode", smtps.Title);
    }

    [Fact]
    public void Submission_without_sender_login_check()
    {
        var f = Finds("submission.no-sender-login-check", master: MasterOpenSubmission);
        Assert.Contains("postconf -P submission/inet/smtpd_sender_restrictions=reject_sender_login_mismatch", f.Fix);
        var noMaps = Finds("submission.no-sender-login-check", "smtpd_sender_login_maps =");
        Assert.Contains("smtpd_sender_login_maps must map", noMaps.Note);
    }

    [Fact]
    public void AUTH_on_port_25_moves_AUTH_to_the_submission_services()
    {
        var master = "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_client_restrictions=permit_sasl_authenticated,reject\n  -o smtpd_tls_security_level=encrypt\n  -o smtpd_sender_restrictions=reject_sender_login_mismatch";
        var f = Finds("submission.auth-on-port-25", "smtpd_sasl_auth_enable = yes", master);
        Assert.Equal(["postconf -P submission/inet/smtpd_sasl_auth_enable=yes", "postconf -e smtpd_sasl_auth_enable=no"], f.Fix);
    }

    [Fact]
    public void No_policy_service_and_policy_after_permit()
    {
        var none = Finds("limits.no-policy-service", "smtpd_recipient_restrictions = reject_unlisted_recipient\nsmtpd_end_of_data_restrictions =");
        Assert.Equal("submission", none.Service);
        Assert.Contains(none.Fix, c => c.Contains("check_policy_service", StringComparison.Ordinal));
        var after = Finds("limits.policy-after-permit", "smtpd_recipient_restrictions = permit_sasl_authenticated, check_policy_service unix:private/policy, reject_unauth_destination");
        Assert.Equal("main.cf", after.Evidence[0].File);
        Assert.Contains("postconf -e 'smtpd_recipient_restrictions=check_policy_service unix:private/policy, permit_sasl_authenticated, reject_unauth_destination'", after.Fix);
    }

    [Fact]
    public void Anvil_limits_all_zero()
    {
        var f = Finds("limits.anvil-off", "smtpd_client_connection_rate_limit = 0");
        Assert.Equal(3, f.Evidence.Count);
    }

    [Fact]
    public void Web_server_users_may_submit()
    {
        fx.Host.WebUsers.Add("www-data");
        var f = Finds("local.submit-users-open");
        Assert.Contains("postconf -e 'authorized_submit_users=!www-data, static:anyone'", f.Fix);
    }

    [Fact]
    public void PHP_without_mail_add_x_header_in_php_ini_and_pool()
    {
        fx.Host.Add("/etc/php/8.2/fpm/php.ini", "[mail function]\nmail.add_x_header = Off\n", fx.Host.PhpIni);
        fx.Host.Add("/etc/php/8.2/cli/php.ini", "mail.add_x_header = Off\n", fx.Host.PhpIni);
        fx.Host.Add("/etc/php/8.2/cli/conf.d/99-mail.ini", "mail.add_x_header = On\n", fx.Host.PhpIni);
        fx.Host.Add("/etc/php/8.2/fpm/pool.d/www.conf", "[www]\nphp_admin_flag[mail.add_x_header] = off\n", fx.Host.Pools);
        var report = fx.Audit();
        var php = report.Findings.Where(f => f.Id == "local.php-no-x-header").ToList();
        Assert.Equal(["/etc/php/8.2/fpm/php.ini:2", "/etc/php/8.2/fpm/pool.d/www.conf:2"], php.Select(f => f.Evidence[0].Location));
        Assert.Contains(report.Findings, f => f.Id == "local.no-php-script-logging");
    }

    [Fact]
    public void Header_checks_logging_the_PHP_script_satisfies_the_check()
    {
        fx.Host.Add("/etc/php/8.2/fpm/php.ini", "mail.add_x_header = On\n", fx.Host.PhpIni);
        fx.Host.Add("/etc/postfix/header_checks", "/^X-PHP-Originating-Script:/ INFO\n");
        var report = fx.Audit("header_checks = regexp:/etc/postfix/header_checks");
        Assert.DoesNotContain(report.Findings, f => f.Id.StartsWith("local.", StringComparison.Ordinal));
        var without = fx.Audit();
        Assert.Contains(without.Findings, f => f.Id == "local.no-php-script-logging");
    }

    [Fact]
    public void Relay_domains_without_recipient_maps()
    {
        Finds("backscatter.relay-no-recipient-maps", "relay_domains = partner.example");
        Assert.DoesNotContain(fx.Audit("relay_domains = $mydestination").Findings, f => f.Id == "backscatter.relay-no-recipient-maps");
    }

    [Fact]
    public void Empty_local_recipient_maps()
    {
        Finds("backscatter.local-recipient-maps-empty", "local_recipient_maps =");
    }

    [Fact]
    public void Virtual_domains_without_maps()
    {
        Assert.Equal("virtual_mailbox_domains without virtual_mailbox_maps", Finds("backscatter.virtual-no-maps", "virtual_mailbox_maps =").Title);
    }

    [Fact]
    public void Unlisted_recipients_accepted()
    {
        Assert.Contains("postconf -e smtpd_reject_unlisted_recipient=yes", Finds("backscatter.unlisted-recipient-off", "smtpd_reject_unlisted_recipient = no").Fix);
    }

    [Fact]
    public void Amavis_bouncing_spam()
    {
        fx.Host.Add("/etc/amavis/conf.d/20-debian_defaults", "$final_virus_destiny = D_DISCARD;\n$final_spam_destiny = D_BOUNCE;\n", fx.Host.Amavis);
        var f = Finds("backscatter.amavis-bounce");
        Assert.Equal("/etc/amavis/conf.d/20-debian_defaults:2", f.Evidence[0].Location);
    }

    [Fact]
    public void Myhostname_not_fqdn_and_helo_override()
    {
        Finds("helo.myhostname-not-fqdn", "myhostname = mx");
        Finds("helo.smtp-helo-name", "smtp_helo_name = other.example.net");
        Assert.DoesNotContain(fx.Audit("smtp_helo_name = $myhostname").Findings, f => f.Id == "helo.smtp-helo-name");
    }

    [Fact]
    public void Vrfy_and_helo_not_required()
    {
        Finds("hardening.vrfy", "disable_vrfy_command = no");
        Finds("hardening.helo-not-required", "smtpd_helo_required = no");
    }

    [Theory]
    [InlineData("!SSLv2, !SSLv3", "TLSv1,TLSv1.1")]
    [InlineData(">=TLSv1.2", "")]
    [InlineData(">=TLSv1", "TLSv1,TLSv1.1")]
    [InlineData("TLSv1.2 TLSv1.3", "")]
    [InlineData("!SSLv2:!SSLv3:!TLSv1:!TLSv1.1", "")]
    public void Old_TLS_protocols(string value, string allowed)
    {
        Assert.Equal(allowed, string.Join(",", HardeningChecks.AllowedOld(value)));
    }

    [Fact]
    public void Old_TLS_on_submission_is_reported()
    {
        Finds("hardening.old-tls", "smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3");
    }

    [Fact]
    public void Expired_and_expiring_certificates()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=mx.example.com", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var cert = request.CreateSelfSigned(fx.Host.Clock.AddDays(-100), fx.Host.Clock.AddDays(10));
        fx.Host.Add("/etc/ssl/mx.pem", cert.ExportCertificatePem());
        var soon = Finds("hardening.certificate", "smtpd_tls_cert_file = /etc/ssl/mx.pem");
        Assert.Equal(AuditSeverity.Medium, soon.Severity);
        Assert.Contains("expires in 10 days", soon.Title);
        fx.Host.Clock = fx.Host.Clock.AddDays(11);
        Assert.Equal(AuditSeverity.High, Finds("hardening.certificate", "smtpd_tls_cert_file = /etc/ssl/mx.pem").Severity);
        fx.Host.Clock = fx.Host.Clock.AddDays(-60);
        Assert.DoesNotContain(fx.Audit("smtpd_tls_cert_file = /etc/ssl/mx.pem").Findings, f => f.Id == "hardening.certificate");
    }

    [Fact]
    public void No_greylisting_on_port_25_points_to_the_policy_service()
    {
        var f = Finds("hardening.no-greylisting", "smtpd_recipient_restrictions = reject_unlisted_recipient");
        Assert.Contains("greylist", f.Note);
        Assert.Equal("smtp", f.Service);
    }

    [Fact]
    public void Postscreen_present_is_no_advice()
    {
        var master = "smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n" + string.Join("\n", AuditFixture.GoodMaster.Split('\n').Skip(1));
        Assert.DoesNotContain(fx.Audit(master: master).Findings, f => f.Id == "hardening.no-postscreen");
    }

    [Fact]
    public void Dovecot_plaintext_auth_and_no_failure_delay()
    {
        fx.Host.Add("/etc/dovecot/conf.d/10-auth.conf", "disable_plaintext_auth = no\nauth_failure_delay = 0\n", fx.Host.Dovecot);
        var report = fx.Audit();
        var d = report.Findings.Where(f => f.Id == "hardening.dovecot-auth").ToList();
        Assert.Equal(2, d.Count);
        Assert.Equal("/etc/dovecot/conf.d/10-auth.conf:1", d[0].Evidence[0].Location);
    }

    [Fact]
    public void Values_from_the_config_are_shell_quoted_in_fixes()
    {
        var f = Finds("relay.relay-domains-wide", "relay_domains = com, a'b.example\nrelay_recipient_maps = hash:/x");
        Assert.Contains("postconf -e 'relay_domains=a'\\''b.example'", f.Fix);
    }
}
