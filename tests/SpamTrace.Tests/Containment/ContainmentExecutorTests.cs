using SpamTrace.Containment;
using SpamTrace.Queue;

namespace SpamTrace.Tests.Containment;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ContainmentExecutorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spamtrace-exec-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private (FakePostfix Fake, ContainmentPlan Plan, ContainmentExecutor Executor) Setup(bool blocks)
    {
        var fake = new FakePostfix();
        fake.MainCf["smtpd_relay_restrictions"] = "permit_sasl_authenticated, reject_unauth_destination";
        var plan = new ContainmentPlanner([new PostfixInstance(fake, _dir)]).Build(new ContainmentRequest
        {
            Targets = [new ContainmentTarget { Selector = new QueueSelector { SaslUsers = ["alice"] }, BlockLogins = blocks }],
        });
        return (fake, plan, new ContainmentExecutor(fake, new ContainmentJournal(Path.Combine(_dir, "journal"))));
    }

    [Fact]
    public void Hold_feeds_exactly_the_planned_ids_on_stdin_and_journals_what_happened()
    {
        var (fake, plan, executor) = Setup(blocks: false);
        var planned = plan.Steps.Single().QueueIds;
        var leaving = planned[1];
        fake.LeaveBeforeNextAction.Add(leaving); // delivered between listing and acting

        var (id, results) = executor.Apply(plan);

        var postsuper = fake.Calls.Single(c => c.Program == "postsuper");
        Assert.Equal(["-c", _dir, "-h", "-"], postsuper.Arguments);
        Assert.Equal(string.Join("", planned.Select(i => i + "\n")), postsuper.Stdin);
        var result = Assert.Single(results);
        Assert.Equal("applied", result.Status);
        Assert.Equal([leaving], result.Gone);
        Assert.Equal(planned.Where(i => i != leaving).Order(), result.Touched!.Order());
        Assert.Equal(3, result.ReportedCount);
        Assert.All(result.Touched!, i => Assert.Equal("hold", fake.QueueOf(i)));
        Assert.Equal(4, fake.Ids.Count(i => fake.QueueOf(i) == "hold")); // 3 newly held + the one held before

        var lines = File.ReadAllLines(executor.Journal.PathOf(id));
        Assert.Equal(2, lines.Length); // applying, applied
        Assert.Contains(leaving, lines[1]);
    }

    [Fact]
    public void Undo_releases_only_what_the_hold_moved_and_restores_map_and_main_cf()
    {
        var (fake, plan, executor) = Setup(blocks: true);
        var heldBefore = fake.Ids.Where(i => fake.QueueOf(i) == "hold").ToList();
        var map = Path.Combine(_dir, "spamtrace_sasl_access");
        File.WriteAllText(map, "# admin's own entries\nmallory REJECT\n");
        File.SetUnixFileMode(map, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);

        var (id, results) = executor.Apply(plan);
        Assert.All(results, r => Assert.Equal("applied", r.Status));
        Assert.Contains("alice REJECT", File.ReadAllText(map));
        Assert.Contains("mallory REJECT", File.ReadAllText(map));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(map)); // mode kept by the atomic rewrite
        Assert.StartsWith("check_sasl_access", fake.MainCf["smtpd_relay_restrictions"]);
        Assert.Contains(fake.Calls, c => c.Program == "postmap" && c.Arguments.Last() == $"hash:{map}");
        Assert.Contains(fake.Calls, c => c.Program == "postfix" && c.Arguments.Last() == "reload");

        Assert.Equal(id, executor.Journal.LatestUndoable());
        var undone = executor.Undo(id);
        Assert.DoesNotContain(undone, r => r.Status == "undo_failed");
        Assert.Equal(heldBefore, fake.Ids.Where(i => fake.QueueOf(i) == "hold").ToList()); // the earlier hold stays held
        Assert.Equal("# admin's own entries\nmallory REJECT\n", File.ReadAllText(map));
        Assert.Equal("permit_sasl_authenticated, reject_unauth_destination", fake.MainCf["smtpd_relay_restrictions"]);
        var release = fake.Calls.Last(c => c.Program == "postsuper");
        Assert.Equal("-H", release.Arguments[2]);
        Assert.Null(executor.Journal.LatestUndoable());
    }

    [Fact]
    public void Undo_does_not_clobber_a_main_cf_value_changed_since()
    {
        var (fake, plan, executor) = Setup(blocks: true);
        var (id, _) = executor.Apply(plan);
        fake.MainCf["smtpd_relay_restrictions"] = "admin, changed, it";
        var undone = executor.Undo(id);
        Assert.Contains(undone, r => r.Status == "undo_skipped" && r.Note!.Contains("changed since"));
        Assert.Equal("admin, changed, it", fake.MainCf["smtpd_relay_restrictions"]);
    }

    [Fact]
    public void A_parameter_unset_before_is_removed_again_on_undo()
    {
        var fake = new FakePostfix();
        var plan = new ContainmentPlanner([new PostfixInstance(fake, _dir)]).Build(new ContainmentRequest
        {
            Action = QueueAction.None,
            Targets = [new ContainmentTarget { Selector = new QueueSelector { Uids = [33] }, StopLocalSubmission = true }],
            UserName = _ => "www-data",
        });
        var executor = new ContainmentExecutor(fake, new ContainmentJournal(Path.Combine(_dir, "journal")));
        var (id, _) = executor.Apply(plan);
        Assert.Equal("!www-data, static:anyone", fake.MainCf["authorized_submit_users"]);
        executor.Undo(id);
        Assert.False(fake.MainCf.ContainsKey("authorized_submit_users"));
        Assert.Contains(fake.Calls, c => c.Program == "postconf" && c.Arguments.Contains("-X"));
    }

    [Fact]
    public void Non_queue_ids_never_reach_postsuper()
    {
        var fake = new FakePostfix();
        var ex = Assert.Throws<QueueToolException>(() => new PostfixInstance(fake).Postsuper("-d", ["ABCDEF", "ALL\nABCDEF"]));
        Assert.Contains("not a queue ID", ex.Message);
        Assert.DoesNotContain(fake.Calls, c => c.Program == "postsuper");
    }

    [Fact]
    public void A_running_policy_service_gets_the_login_on_its_block_list_and_undo_releases_it()
    {
        var fake = new FakePostfix();
        var policy = new PolicyServiceCommands("/usr/local/bin/spamtrace", [], "/etc/spamtrace/policy.json");
        var plan = new ContainmentPlanner([new PostfixInstance(fake, _dir)]).Build(new ContainmentRequest
        {
            Action = QueueAction.None,
            Targets = [new ContainmentTarget { Selector = new QueueSelector { SaslUsers = ["alice"] }, BlockLogins = true }],
            Policy = policy,
        });
        Assert.Contains(plan.Steps, s => s.Kind == StepKind.PolicyBlock);
        var executor = new ContainmentExecutor(fake, new ContainmentJournal(Path.Combine(_dir, "journal")));
        var (id, results) = executor.Apply(plan);
        Assert.All(results, r => Assert.Equal("applied", r.Status));
        Assert.Contains(fake.Calls, c => c.Program == policy.Program && c.Arguments.SequenceEqual(["policy", "block", "alice", "-c", "/etc/spamtrace/policy.json"]));
        executor.Undo(id);
        Assert.Contains(fake.Calls, c => c.Program == policy.Program && c.Arguments.SequenceEqual(["policy", "release", "alice", "-c", "/etc/spamtrace/policy.json"]));
    }
}
