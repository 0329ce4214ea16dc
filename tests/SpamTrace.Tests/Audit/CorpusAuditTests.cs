using System.Diagnostics;
using SpamTrace.Audit.Checks;
using SpamTrace.Audit.Config;
using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Relay;
using SpamTrace.Tests.Support;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Audit;

/// <summary>Every corpus config audited from its files, with the findings printed; the obvious ones asserted.</summary>
public sealed class CorpusAuditTests(ITestOutputHelper output)
{
    public static TheoryData<string> Configs() =>
    [
        "iredmail/0.9.0", "iredmail/0.9.9", "iredmail/postfix", "mailcow/data/conf/postfix", "docker-mailserver/target/postfix",
        "postconf-output-samples/iredmail-sample-configdir", "modoboa/modoboa_installer/scripts/files/postfix",
    ];

    private (AuditReport Report, List<ServiceRelay> Relay, TimeSpan Elapsed) Audit(string config)
    {
        var corpus = SharedCorpora.Find("configs");
        Skip.If(corpus is null, "../shared/corpora/configs is absent");
        var dir = PostconfAgreementTests.CopyConfig(corpus!, config);
        try
        {
            var watch = Stopwatch.StartNew();
            var loaded = new PostfixConfigLoader(runner: null, AuditFixture.Facts).Load(dir);
            var ctx = new AuditContext(loaded, new LocalAuditHost(dir, machine: false), null);
            var report = new AuditReport { Subject = config };
            ConfigAudit.AddTo(report, ctx);
            watch.Stop();
            output.WriteLine($"{config}: {report.Findings.Count} findings in {watch.Elapsed.TotalMilliseconds:0} ms");
            foreach (var f in report.Sorted())
            {
                output.WriteLine($"  {AuditSeverities.Name(f.Severity),-8} {f.Id} {f.Service}: {f.Title}");
            }
            foreach (var row in report.Sections.Single().Rows)
            {
                output.WriteLine("  | " + string.Join(" | ", row));
            }
            return (report, ctx.Relay, watch.Elapsed);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Configs))]
    public void Corpus_config_is_audited_without_error_and_is_no_open_relay(string config)
    {
        Audit(config); // warm: the first audit in the process includes JIT compilation
        var (report, relay, elapsed) = Audit(config);
        Assert.NotEmpty(relay);
        Assert.DoesNotContain(report.Findings, f => f.Id == "relay.open");
        Assert.All(relay.SelectMany(r => r.Verdicts).Where(v => v.Client.Kind == ClientKind.Internet && !v.RecipientIsOurs),
            v => Assert.False(v.Relays, $"{v.Service}: {v.DecidedBy}"));
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"{elapsed.TotalMilliseconds} ms");
    }

    [SkippableFact]
    public void IRedMail_submission_requires_AUTH_and_checks_the_sender_login()
    {
        var (report, relay, _) = Audit("iredmail/postfix");
        var submission = relay.Single(r => r.Label == "submission");
        Assert.True(submission.AuthOffered);
        var unauth = submission.Verdicts.Single(v => v.Client.Kind == ClientKind.Internet && v.RecipientIsOurs);
        Assert.Equal(RelayOutcome.Rejected, unauth.Outcome);
        Assert.True(submission.Verdicts.Single(v => v.Client.Kind == ClientKind.InternetWithAuth && !v.RecipientIsOurs).Relays);
        Assert.DoesNotContain(report.Findings, f => f.Id == "submission.auth-not-required");
        // This sample leaves the sender check to iRedAPD (a policy service), which the files cannot show.
        Assert.Contains(report.Findings, f => f.Id == "submission.no-sender-login-check" && f.Service == "submission");
    }
}
