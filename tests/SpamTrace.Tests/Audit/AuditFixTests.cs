using SpamTrace.Audit.Checks;
using SpamTrace.Containment;
using SpamTrace.Queue;

namespace SpamTrace.Tests.Audit;

/// <summary>--apply through contain's journal, against a fake postconf/postfix that keeps main.cf values in memory.</summary>
public sealed class AuditFixTests : IDisposable
{
    private sealed class FakeTools : IProcessRunner
    {
        public Dictionary<string, string> MainCf { get; } = new(StringComparer.Ordinal);
        public List<string> Calls { get; } = [];
        public int CheckExit { get; set; }

        public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? standardInput = null)
        {
            var args = arguments.ToList();
            Calls.Add($"{program} {string.Join(' ', args)}");
            if (args.Count >= 2 && args[0] == "-c") { args = args.Skip(2).ToList(); }
            switch (program, args[0])
            {
                case ("postconf", "-n"):
                    return MainCf.TryGetValue(args[1], out var v) ? new ProcessResult(0, $"{args[1]} = {v}\n", "") : new ProcessResult(0, "", "");
                case ("postconf", "-e"):
                    var eq = args[1].IndexOf('=');
                    MainCf[args[1][..eq].Trim()] = args[1][(eq + 1)..].Trim();
                    return new ProcessResult(0, "", "");
                case ("postconf", "-X"):
                    MainCf.Remove(args[1]);
                    return new ProcessResult(0, "", "");
                case ("postfix", "check"):
                    return new ProcessResult(CheckExit, "", CheckExit == 0 ? "" : "postfix/postfix-script: fatal: bad main.cf");
                case ("postfix", "reload"):
                    return new ProcessResult(0, "", "");
                default:
                    throw new InvalidOperationException($"unexpected {program} {string.Join(' ', args)}");
            }
        }

        public T RunStreaming<T>(string program, IReadOnlyList<string> arguments, Func<Stream, T> consume, out ProcessResult result) =>
            throw new InvalidOperationException("not used");
    }

    private readonly AuditFixture fx = new();
    private readonly string journalDir = Directory.CreateTempSubdirectory("spamtrace-audit-journal-").FullName;

    public void Dispose()
    {
        fx.Dispose();
        Directory.Delete(journalDir, recursive: true);
    }

    [Fact]
    public void Apply_saves_the_old_values_checks_reloads_and_undo_restores_them()
    {
        fx.Audit("disable_vrfy_command = no\nsmtpd_helo_required = no", null, out var fixes);
        var tools = new FakeTools();
        tools.MainCf["disable_vrfy_command"] = "no";
        var (plan, skipped) = AuditFixes.Plan(fixes, ["hardening."], fx.Directory);
        Assert.Equal(["disable_vrfy_command", "smtpd_helo_required"], plan.Steps.Select(s => s.Parameter));
        Assert.Contains(skipped, s => s.StartsWith("hardening.no-postscreen", StringComparison.Ordinal) || s.StartsWith("hardening.", StringComparison.Ordinal));
        var executor = new ContainmentExecutor(tools, new ContainmentJournal(journalDir));
        var result = AuditFixes.Apply(executor, tools, plan, fx.Directory, skipped);
        Assert.True(result.CheckPassed);
        Assert.Equal("yes", tools.MainCf["disable_vrfy_command"]);
        Assert.Equal("yes", tools.MainCf["smtpd_helo_required"]);
        var check = tools.Calls.IndexOf($"postfix -c {fx.Directory} check");
        var reload = tools.Calls.IndexOf($"postfix -c {fx.Directory} reload");
        Assert.True(check >= 0 && reload > check, string.Join("\n", tools.Calls));
        var journal = executor.Journal.Read(result.JournalId!);
        Assert.Contains(journal, r => r.Status == "applied" && r.Step.Parameter == "disable_vrfy_command" && r.Before == "no");
        Assert.Contains(journal, r => r.Status == "applied" && r.Step.Kind == StepKind.Reload);

        executor.Undo(result.JournalId!);
        Assert.Equal("no", tools.MainCf["disable_vrfy_command"]);
        Assert.False(tools.MainCf.ContainsKey("smtpd_helo_required")); // was at its default: removed again
    }

    [Fact]
    public void A_failing_postfix_check_undoes_the_changes_and_does_not_reload()
    {
        fx.Audit("disable_vrfy_command = no", null, out var fixes);
        var tools = new FakeTools { CheckExit = 1 };
        var (plan, skipped) = AuditFixes.Plan(fixes, ["hardening.vrfy"], null);
        var executor = new ContainmentExecutor(tools, new ContainmentJournal(journalDir));
        var result = AuditFixes.Apply(executor, tools, plan, null, skipped);
        Assert.False(result.CheckPassed);
        Assert.Contains("bad main.cf", result.CheckError);
        Assert.False(tools.MainCf.ContainsKey("disable_vrfy_command"));
        Assert.DoesNotContain("postfix reload", tools.Calls.Take(tools.Calls.IndexOf("postfix check")));
        Assert.Equal(1, tools.Calls.Count(c => c == "postfix reload")); // only the undo's reload of the restored config
    }

    [Fact]
    public void Master_cf_fixes_are_listed_for_the_admin_not_applied()
    {
        fx.Audit("", "smtp inet n - y - - smtpd\nsubmission inet n - y - - smtpd\n  -o smtpd_sasl_auth_enable=yes", out var fixes);
        var (plan, skipped) = AuditFixes.Plan(fixes, ["submission.tls-not-required"], null);
        Assert.Empty(plan.Steps);
        Assert.Contains(skipped, s => s.Contains("postconf -P submission/inet/smtpd_tls_security_level=encrypt", StringComparison.Ordinal));
    }
}
