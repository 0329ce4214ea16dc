using SpamTrace.Queue;
using SpamTrace.ServerKnowledge;
using SpamTrace.Tests.Forensics;
using SpamTrace.Tests.Support;

namespace SpamTrace.Tests.ServerKnowledge;

public sealed class ServerFactsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spamtrace-conf-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string MainCf(string text)
    {
        File.WriteAllText(Path.Combine(_dir, "main.cf"), text);
        return _dir;
    }

    [Fact]
    public void A_copied_main_cf_gives_our_domains_tables_included_and_mynetworks()
    {
        File.WriteAllText(Path.Combine(_dir, "relay_domains"), "# relayed for customers\nother.example OK\n\nthird.example\tOK\n");
        var facts = MainCfReader.Read(MainCf("""
            # a gateway
            myhostname = mx.corp.example
            mydestination = $myhostname, localhost.$mydomain,
                localhost
            relay_domains = corp.example, hash:/etc/postfix/relay_domains
            virtual_mailbox_domains = proxy:mysql:/etc/postfix/mysql/domains.cf
            mynetworks = 127.0.0.0/8 [::1]/128 198.51.100.7 10.1.2.3/16
            """));
        Assert.Equal("mydestination", facts.Domains["mx.corp.example"]);
        Assert.True(facts.IsOwnDomain("localhost.corp.example"));
        Assert.Equal("relay_domains", facts.Domains["corp.example"]);
        // The table's absolute path is not on this machine: its copy beside main.cf is read.
        Assert.True(facts.IsOwnDomain("other.example") && facts.IsOwnDomain("third.example"));
        // relay_domains covers subdomains (parent_domain_matches_subdomains).
        Assert.True(facts.IsOwnDomain("eu.corp.example"));
        Assert.False(facts.IsOwnDomain("gmail.com"));
        Assert.Contains(facts.Notes, n => n.Contains("mysql", StringComparison.Ordinal));
        Assert.True(facts.IsTrustedClient("198.51.100.7"));
        Assert.True(facts.IsTrustedClient("10.1.200.9"));
        Assert.True(facts.IsTrustedClient("::1"));
        Assert.False(facts.IsTrustedClient("198.51.100.8"));
    }

    [Fact]
    public void Without_main_cf_the_error_names_the_file()
    {
        var e = Assert.Throws<ServerFactsException>(() => MainCfReader.Read(Path.Combine(_dir, "nope")));
        Assert.Contains("main.cf", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postconf_is_asked_for_the_effective_values_of_the_instance()
    {
        var runner = new ScriptedRunner("mx.corp.example, localhost\n\n\ncorp.example\n127.0.0.0/8 [::1]/128\n");
        var facts = PostconfReader.Read(runner, "/etc/postfix-in");
        Assert.Equal(["-c", "/etc/postfix-in", "-hx", .. ServerFacts.Parameters], runner.Arguments);
        Assert.True(facts.IsOwnDomain("corp.example"));
        Assert.Equal(false, facts.IsTrustedClient("203.0.113.9"));
        Assert.Equal("postconf -c /etc/postfix-in", facts.Source);
    }

    [SkippableFact]
    public void The_real_postconf_reads_a_config_directory()
    {
        Skip.If(!File.Exists("/usr/sbin/postconf"), "postconf not installed (deps/lab.txt): the real postconf -c not checked");
        File.WriteAllText(Path.Combine(_dir, "relay_domains"), "other.example OK\n");
        MainCf($"myhostname = mx.corp.example\nrelay_domains = corp.example, hash:{_dir}/relay_domains\nmynetworks = 127.0.0.0/8 198.51.100.0/24\n");
        File.WriteAllText(Path.Combine(_dir, "master.cf"), "");
        var facts = PostconfReader.Read(new ProcessRunner(), _dir);
        Assert.True(facts.IsOwnDomain("mx.corp.example"));
        Assert.True(facts.IsOwnDomain("other.example"));
        Assert.Equal(true, facts.IsTrustedClient("198.51.100.200"));
    }

    [SkippableFact]
    public void The_iredmail_main_cf_of_the_corpus_is_read()
    {
        var configs = SharedCorpora.Find("configs");
        var file = configs is null ? null : Path.Combine(configs, "iredmail", "0.9.0");
        Skip.If(file is null || !File.Exists(Path.Combine(file, "main.cf")), "../shared/corpora/configs/iredmail not found: corpus main.cf not read");
        var facts = MainCfReader.Read(file!);
        Assert.True(facts.IsOwnDomain("ph_hostname"));
        Assert.Equal(true, facts.IsTrustedClient("127.0.0.1"));
        Assert.Equal(false, facts.IsTrustedClient("127.0.0.2"));
    }

    [Fact]
    public void With_the_configuration_a_public_trusted_host_is_not_an_open_relay_and_mail_to_a_relay_domain_is_inbound()
    {
        var facts = MainCfReader.Read(MainCf("relay_domains = corp.example\nmynetworks = 127.0.0.0/8 198.51.100.0/24\n"));
        var log = new LabLog();
        for (var i = 0; i < 10; i++)
        {
            log.Smtp("198.51.100.7", "billing@lab.example", $"customer{i}@d{i}.example");
            log.Smtp("198.19.1.1", "x@gmail.com", $"someone{i}@corp.example");
        }
        for (var i = 0; i < 4; i++)
        {
            log.Smtp("198.19.2.2", $"promo{i}@bulk.example", $"v{i}@e{i}.example");
        }
        var d = log.Diagnose(facts).Diagnosis;
        Assert.Equal(["relay:198.19.2.2"], d.Culprits.Select(c => c.Id.ToString()));
        Assert.Equal(facts.Source, d.ServerSource);
        Assert.DoesNotContain(d.Origins, o => o.Id.Key == "198.19.1.1");
        Assert.Equal("trusted host relaying without logging in", d.Origins.Single(o => o.Id.Key == "198.51.100.7").Verdict);
    }

    private sealed class ScriptedRunner(string output) : IProcessRunner
    {
        public List<string> Arguments { get; } = [];

        public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? standardInput = null)
        {
            Assert.Equal("postconf", program);
            Arguments.AddRange(arguments);
            return new ProcessResult(0, output, "");
        }

        public T RunStreaming<T>(string program, IReadOnlyList<string> arguments, Func<Stream, T> consume, out ProcessResult result) =>
            throw new NotSupportedException();
    }
}
