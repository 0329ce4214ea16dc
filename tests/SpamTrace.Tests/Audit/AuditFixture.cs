using System.Net;
using SpamTrace.Audit.Checks;
using SpamTrace.Audit.Config;
using SpamTrace.Audit.Findings;

namespace SpamTrace.Tests.Audit;

/// <summary>The machine as the checks see it, from an in-memory file table.</summary>
public sealed class FakeAuditHost : IAuditHost
{
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);
    public List<string> PhpIni { get; } = [];
    public List<string> Pools { get; } = [];
    public List<string> Amavis { get; } = [];
    public List<string> Dovecot { get; } = [];
    public List<string> WebUsers { get; } = [];
    public DateTimeOffset Clock { get; set; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public IReadOnlyList<string> PhpIniFiles => PhpIni;
    public IReadOnlyList<string> PhpFpmPoolFiles => Pools;
    public IReadOnlyList<string> AmavisFiles => Amavis;
    public IReadOnlyList<string> DovecotFiles => Dovecot;
    public IReadOnlyList<string> WebServerUsers => WebUsers;
    public DateTimeOffset Now => Clock;
    public IReadOnlyList<IPAddress> OwnAddresses { get; } = [IPAddress.Parse("192.0.2.10"), IPAddress.Loopback];
    public string? ReadText(string path) => Files.GetValueOrDefault(path);

    public void Add(string path, string text, List<string>? kind = null)
    {
        Files[path] = text;
        kind?.Add(path);
    }
}

/// <summary>A correct iRedMail-like config in a temporary directory that each test spoils in one way.</summary>
public sealed class AuditFixture : IDisposable
{
    public const string GoodMain = """
        compatibility_level = 3.6
        myhostname = mx.example.com
        mydestination = $myhostname, localhost
        virtual_mailbox_domains = example.com
        virtual_mailbox_maps = hash:/etc/postfix/vmailbox
        mynetworks = 127.0.0.0/8 [::1]/128
        smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
        smtpd_recipient_restrictions =
            check_policy_service { unix:private/spamtrace, timeout=5s, default_action=DUNNO },
            reject_unlisted_recipient
        smtpd_end_of_data_restrictions = check_policy_service unix:private/spamtrace
        smtpd_sender_login_maps = hash:/etc/postfix/senders
        disable_vrfy_command = yes
        smtpd_helo_required = yes
        smtpd_tls_protocols = >=TLSv1.2
        smtpd_tls_mandatory_protocols = >=TLSv1.2
        smtpd_client_connection_rate_limit = 60
        """;

    public const string GoodMaster = """
        smtp      inet  n       -       y       -       -       smtpd
        submission inet n       -       y       -       -       smtpd
          -o syslog_name=postfix/submission
          -o smtpd_tls_security_level=encrypt
          -o smtpd_sasl_auth_enable=yes
          -o smtpd_client_restrictions=permit_sasl_authenticated,reject
          -o smtpd_sender_restrictions=reject_sender_login_mismatch
        127.0.0.1:10025 inet n  -       n       -       -       smtpd
          -o content_filter=
          -o smtpd_client_restrictions=
          -o smtpd_recipient_restrictions=permit_mynetworks,reject
          -o mynetworks=127.0.0.0/8
        """;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("spamtrace-audit-test-").FullName;
    public FakeAuditHost Host { get; } = new();

    public static readonly HostFacts Facts = new("mx.example.com", [(IPAddress.Parse("192.0.2.10"), 24), (IPAddress.Loopback, 8)]);

    /// <summary>Writes main.cf (the good one with <paramref name="extra"/> lines appended: later lines win) and master.cf.</summary>
    public PostfixConfig Load(string extra = "", string? master = null)
    {
        File.WriteAllText(Path.Combine(Directory, "main.cf"), Dedent(GoodMain) + "\n" + Dedent(extra) + "\n");
        File.WriteAllText(Path.Combine(Directory, "master.cf"), Dedent(master ?? GoodMaster) + "\n");
        return new PostfixConfigLoader(runner: null, Facts).Load(Directory);
    }

    public PostfixConfig LoadRaw(string main, string master)
    {
        File.WriteAllText(Path.Combine(Directory, "main.cf"), main);
        File.WriteAllText(Path.Combine(Directory, "master.cf"), master);
        return new PostfixConfigLoader(runner: null, Facts).Load(Directory);
    }

    public AuditReport Audit(string extra = "", string? master = null) => Audit(extra, master, out _);

    public AuditReport Audit(string extra, string? master, out List<AppliableFix> fixes)
    {
        var config = Load(extra, master);
        var report = new AuditReport { Subject = Directory };
        fixes = ConfigAudit.AddTo(report, new AuditContext(config, Host, instance: null));
        return report;
    }

    public static string Dedent(string text) =>
        string.Join("\n", text.Split('\n').Select(l => l.StartsWith("        ", StringComparison.Ordinal) ? l[8..] : l));

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
