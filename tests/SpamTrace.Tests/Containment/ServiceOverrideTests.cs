using System.Diagnostics;
using SpamTrace.Containment;
using SpamTrace.Forensics;
using SpamTrace.Queue;

namespace SpamTrace.Tests.Containment;

/// <summary>
/// A login blocked by contain, or by pasting diagnose's advice, is refused by every smtpd service, also one whose
/// master.cf <c>-o</c> override replaces the restriction list the check went into (Debian's and iRedMail's
/// submission). Real Postfix (PrivatePostfix): its unix-socket smtpd stands for submission.
/// </summary>
[Trait("Category", "Lab")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServiceOverrideTests
{
    private const string Service = "submit-xclient/unix";

    public static TheoryData<string, bool> Overrides => new()
    {
        // Postfix 2.10+: the check goes into smtpd_relay_restrictions, which submission replaces.
        { "smtpd_relay_restrictions", false },
        // An empty relay list (configs from before 2.10): the recipient list, which submission replaces.
        { "smtpd_recipient_restrictions", true },
    };

    /// <summary>The private Postfix with the submission-like service overriding <paramref name="parameter"/>.</summary>
    private static PrivatePostfix WithOverride(string parameter, bool emptyRelayList)
    {
        var postfix = new PrivatePostfix();
        var etc = postfix.ConfigDirectory;
        if (emptyRelayList)
        {
            Run("postconf", "-c", etc, "-e", "smtpd_relay_restrictions =");
            Run("postconf", "-c", etc, "-e", "smtpd_recipient_restrictions = permit_sasl_authenticated, permit_mynetworks, reject_unauth_destination");
        }
        Run("postconf", "-c", etc, "-P", $"{Service}/{parameter}=permit_sasl_authenticated,reject_unauth_destination");
        Thread.Sleep(1100); // Postfix ignores config files younger than a second
        Run("postfix", "-c", etc, "reload");
        Thread.Sleep(500);
        return postfix;
    }

    [SkippableTheory]
    [MemberData(nameof(Overrides))]
    public void Contain_adds_the_check_to_the_overriding_service_too_and_undo_restores_it(string parameter, bool emptyRelayList)
    {
        PrivatePostfix.SkipUnlessAvailable();
        using var postfix = WithOverride(parameter, emptyRelayList);
        Assert.Equal(0, postfix.Submit("mallory", "mallory@queue-test.example", "x@outlook.example").ExitCode);

        var plan = new ContainmentPlanner([postfix.Instance]).Build(new ContainmentRequest
        {
            Action = QueueAction.None,
            Targets = [new ContainmentTarget { Label = "sasl:mallory", Selector = new QueueSelector { SaslUsers = ["mallory"] }, BlockLogins = true }],
        });
        var wire = plan.Steps.Single(s => s.Kind == StepKind.Postconf);
        Assert.Equal(parameter, wire.Parameter);
        var service = plan.Steps.Single(s => s.Kind == StepKind.ServiceOverride);
        Assert.Equal($"{Service}/{parameter}", service.Parameter);
        Assert.Contains(plan.Advice, a => a.Contains($"checked main.cf and master.cf's smtpd services {Service}", StringComparison.Ordinal));

        var executor = new ContainmentExecutor(new ProcessRunner(), new ContainmentJournal(Path.Combine(postfix.Directory, "journal")));
        var (id, results) = executor.Apply(plan);
        Assert.All(results, r => Assert.Equal("applied", r.Status));
        var refused = postfix.Submit("mallory", "mallory@queue-test.example", "y@outlook.example");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("SASL login name rejected", refused.Output);
        Assert.Equal(0, postfix.Submit("bob", "bob@queue-test.example", "friend@partner.example").ExitCode);

        var undone = executor.Undo(id);
        Assert.DoesNotContain(undone, r => r.Status is "undo_failed" or "undo_skipped");
        Assert.Equal("permit_sasl_authenticated,reject_unauth_destination", MasterCfOverrides.Get(postfix.Instance, $"{Service}/{parameter}"));
        Assert.Equal(0, postfix.Submit("mallory", "mallory@queue-test.example", "z@outlook.example").ExitCode);
    }

    [SkippableTheory]
    [MemberData(nameof(Overrides))]
    public void Diagnose_advice_uses_the_same_map_and_list_and_its_commands_block_the_login_in_every_service(string parameter, bool emptyRelayList)
    {
        PrivatePostfix.SkipUnlessAvailable();
        using var postfix = WithOverride(parameter, emptyRelayList);
        var access = AccessCheck.Read(postfix.Instance, AccessCheck.SaslRestriction, AccessCheck.SaslMapFile);
        var plan = new ContainmentPlanner([postfix.Instance]).Build(new ContainmentRequest
        {
            Action = QueueAction.None,
            Targets = [new ContainmentTarget { Label = "sasl:mallory", Selector = new QueueSelector { SaslUsers = ["mallory"] }, BlockLogins = true }],
        });
        Assert.Equal(plan.Steps.Single(s => s.Kind == StepKind.MapEntry).MapPath, access.MapPath);
        Assert.Equal(plan.Steps.Single(s => s.Kind == StepKind.Postconf).Parameter, access.Parameter);
        Assert.Contains(Service, access.Coverage(), StringComparison.Ordinal);

        var culprit = SaslCulprit("mallory");
        var steps = ActionPlanner.For(culprit, access);
        Assert.Contains(steps, s => s.Note?.Contains($"master.cf's smtpd services {Service}", StringComparison.Ordinal) == true);
        var commands = steps.TakeWhile(s => !s.Title.StartsWith("Or let spamtrace", StringComparison.Ordinal)).Select(s => s.Command!).ToList();
        Assert.Contains(commands, c => c.Contains($"-P {Service}/{parameter}=check_sasl_access,", StringComparison.Ordinal));
        foreach (var command in commands)
        {
            if (command.EndsWith("reload", StringComparison.Ordinal))
            {
                Thread.Sleep(1100); // as an admin pasting one line after the other: Postfix ignores files younger than a second
            }
            var run = Run("bash", "-c", command);
            Assert.True(run.ExitCode == 0, $"{command}: {run.Output}");
        }
        var refused = postfix.Submit("mallory", "mallory@queue-test.example", "y@outlook.example");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("account blocked: sending spam", refused.Output);
        Assert.Equal(0, postfix.Submit("bob", "bob@queue-test.example", "friend@partner.example").ExitCode);
    }

    private static OriginAssessment SaslCulprit(string user)
    {
        var o = new DiagnoseObserver(UidNames.None);
        var f = new SpamTrace.Tests.Forensics.ChainFactory();
        var start = new DateTime(2026, 3, 2, 20, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 30; i++)
        {
            o.OnChain(f.Sasl(start.AddSeconds(i), user, $"192.0.2.{i + 1}", "spam@example.net", [$"a{i}@d{i}.example", $"b{i}@gmail.com"],
                SpamTrace.Logs.Parsing.DeliveryStatus.Deferred, "4.7.1",
                "host mx[192.0.2.1] said: 421 4.7.1 [TS03] All messages from [203.0.113.1] will be permanently deferred"));
        }
        return Assert.Single(DiagnoseService.Finish(o, null).Culprits);
    }

    private static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var output = stdout.Result + stderr;
        if (program != "bash" && p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {output}");
        }
        return (p.ExitCode, output);
    }
}
