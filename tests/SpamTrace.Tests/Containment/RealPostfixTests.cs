using SpamTrace.Containment;
using SpamTrace.Queue;

namespace SpamTrace.Tests.Containment;

/// <summary>
/// Queue reading and containment against a REAL Postfix (private instance, see PrivatePostfix): real postqueue,
/// postcat, postsuper, postconf, postmap and smtpd decide; nothing here is simulated.
/// </summary>
[Trait("Category", "Lab")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RealPostfixTests
{
    private static ContainmentExecutor Executor(PrivatePostfix postfix) =>
        new(new ProcessRunner(), new ContainmentJournal(Path.Combine(postfix.Directory, "journal")));

    private static Dictionary<string, string> States(PrivatePostfix postfix) =>
        postfix.List().ToDictionary(m => m.QueueId, m => m.QueueName);

    [SkippableFact]
    public void Survey_of_a_real_queue_names_logins_uids_and_matches_the_mailq_text()
    {
        PrivatePostfix.SkipUnlessAvailable();
        using var postfix = new PrivatePostfix();
        var queue = postfix.Fill();

        var summary = QueueSurvey.Run([postfix.Instance], DateTimeOffset.Now, sampleSize: 0, userName: uid => uid == 33 ? "www-data" : null);
        Assert.Equal(11, summary.Messages);
        Assert.Equal(4, summary.Sample!.BySaslUser.Single(u => u.Key == "alice").Messages);
        Assert.Equal(1, summary.Sample.BySaslUser.Single(u => u.Key == "bob").Messages);
        Assert.Equal(4, summary.Sample.ByUid.Single(u => u.Key == "33 (www-data)").Messages);
        Assert.Equal(3, summary.ByDelayReason.Single(r => r.Reason.Contains("[TS03]")).Recipients);

        // The mailq text of the same queue (the only listing of Postfix < 3.1) reads the same.
        var text = new ProcessRunner().Run("postqueue", ["-c", postfix.ConfigDirectory, "-p"]).StandardOutput;
        var parsed = MailqTextReader.Read(new StringReader(text), "postqueue -p", new QueueReadStatistics(), DateTimeOffset.Now).ToList();
        Assert.Equal(queue.Select(m => (m.QueueId, m.Sender, m.QueueName)).Order(), parsed.Select(m => (m.QueueId, m.Sender, m.QueueName)).Order());
    }

    [SkippableFact]
    public void Stolen_login_contained_exactly_refused_at_smtp_and_undo_brings_everything_back()
    {
        PrivatePostfix.SkipUnlessAvailable();
        using var postfix = new PrivatePostfix();
        var queue = postfix.Fill();
        var before = States(postfix);
        var relayBefore = postfix.Instance.PostconfExplicit("smtpd_relay_restrictions");
        var alices = queue.Where(m => m.Sender.StartsWith("promo", StringComparison.Ordinal)).Select(m => m.QueueId).Order().ToList();
        Assert.Equal(4, alices.Count);

        var plan = new ContainmentPlanner([postfix.Instance]).Build(new ContainmentRequest
        {
            Targets = [new ContainmentTarget { Label = "sasl:alice", Selector = new QueueSelector { SaslUsers = ["alice"] }, BlockLogins = true }],
        });
        Assert.Equal(alices, plan.Steps.Single(s => s.Kind == StepKind.Hold).QueueIds.Order());
        Assert.Equal(before, States(postfix)); // planning changed nothing

        var executor = Executor(postfix);
        var (id, results) = executor.Apply(plan);
        Assert.All(results, r => Assert.Equal("applied", r.Status));
        Assert.Equal(4, results.Single(r => r.Step.Kind == StepKind.Hold).ReportedCount);

        // Exactly alice's mail moved to hold; every other message is where it was.
        var after = States(postfix);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (queueId, state) in before)
        {
            Assert.Equal(alices.Contains(queueId) ? "hold" : state, after[queueId]);
        }

        // Real smtpd now refuses alice, still accepts bob.
        var refused = postfix.Submit("alice", "alice@queue-test.example", "more@outlook.example");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("SASL login name rejected", refused.Output);
        var accepted = postfix.Submit("bob", "bob@queue-test.example", "colleague@partner.example");
        Assert.Equal(0, accepted.ExitCode);
        postfix.WaitSettled(12);

        var undone = executor.Undo(id);
        Assert.DoesNotContain(undone, r => r.Status == "undo_failed");
        var restored = States(postfix);
        foreach (var (queueId, state) in before)
        {
            Assert.Equal(state, restored[queueId]);
        }
        Assert.Equal(relayBefore, postfix.Instance.PostconfExplicit("smtpd_relay_restrictions"));
        Assert.DoesNotContain("alice", File.ReadAllText(Path.Combine(postfix.ConfigDirectory, "spamtrace_sasl_access")));
        Assert.Equal(0, postfix.Submit("alice", "alice@queue-test.example", "again@outlook.example").ExitCode);
    }

    [SkippableFact]
    public void Hacked_site_uid_held_and_stopped_from_submitting_root_still_sends_undo_restores()
    {
        PrivatePostfix.SkipUnlessAvailable();
        using var postfix = new PrivatePostfix();
        var queue = postfix.Fill();
        var www = queue.Where(m => m.Sender.EndsWith("@shop.example", StringComparison.Ordinal)).Select(m => m.QueueId).Order().ToList();

        var plan = new ContainmentPlanner([postfix.Instance]).Build(new ContainmentRequest
        {
            Targets = [new ContainmentTarget { Selector = new QueueSelector { Uids = [33] }, StopLocalSubmission = true }],
            UserName = uid => uid == 33 ? "www-data" : null,
        });
        Assert.Equal(www, plan.Steps.Single(s => s.Kind == StepKind.Hold).QueueIds.Order());
        var executor = Executor(postfix);
        var (id, results) = executor.Apply(plan);
        Assert.All(results, r => Assert.Equal("applied", r.Status));
        Assert.Equal("!www-data, static:anyone", postfix.Instance.PostconfExplicit("authorized_submit_users"));

        var blocked = postfix.Send("www-data", "again@shop.example", "x@yahoo.example");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("not allowed", blocked.Output);
        Assert.Equal(0, postfix.Send("root", "root@mx.queue-test.example", "ops@partner.example").ExitCode);

        executor.Undo(id);
        Assert.Null(postfix.Instance.PostconfExplicit("authorized_submit_users"));
        Assert.Equal(0, postfix.Send("www-data", "again@shop.example", "x@yahoo.example").ExitCode);
        Assert.DoesNotContain(postfix.List(), m => www.Contains(m.QueueId) && m.IsHeld);
    }

    [SkippableFact]
    public void Messages_that_leave_between_planning_and_acting_are_reported_not_touched()
    {
        PrivatePostfix.SkipUnlessAvailable();
        using var postfix = new PrivatePostfix();
        postfix.Fill();
        var plan = new ContainmentPlanner([postfix.Instance]).Build(new ContainmentRequest
        {
            Targets = [new ContainmentTarget { Selector = new QueueSelector { Senders = ["@queue-test.example"] } }],
        });
        var ids = plan.Steps.Single().QueueIds;
        Assert.Equal(5, ids.Count); // alice's four and bob's one; root@mx.queue-test.example is another domain
        // One of them is delivered (here: deleted by someone else) before we act.
        postfix.Instance.Postsuper("-d", [ids[0]]);
        var (_, results) = Executor(postfix).Apply(plan);
        var hold = results.Single();
        Assert.Equal([ids[0]], hold.Gone);
        Assert.Equal(4, hold.Touched!.Count);
        Assert.Equal(4, hold.ReportedCount);
    }

    [SkippableFact]
    public void Release_brings_held_mail_back_and_delete_removes_only_the_selection_and_says_it_cannot_be_undone()
    {
        PrivatePostfix.SkipUnlessAvailable();
        using var postfix = new PrivatePostfix();
        var queue = postfix.Fill();
        var executor = Executor(postfix);
        var nobody = queue.Single(m => m.Sender.StartsWith("nobody@", StringComparison.Ordinal));
        Assert.Equal(1, postfix.Instance.Postsuper("-h", [nobody.QueueId])); // held by an admin earlier

        var release = new ContainmentPlanner([postfix.Instance]).Build(new ContainmentRequest
        {
            Action = QueueAction.Release,
            Targets = [new ContainmentTarget { Selector = new QueueSelector { Uids = [65534] } }],
        });
        Assert.Equal([nobody.QueueId], release.Steps.Single().QueueIds);
        executor.Apply(release);
        Assert.False(postfix.List().Single(m => m.QueueId == nobody.QueueId).IsHeld);

        var bobs = queue.Where(m => m.Sender == "bob@queue-test.example").Select(m => m.QueueId).ToList();
        var delete = new ContainmentPlanner([postfix.Instance]).Build(new ContainmentRequest
        {
            Action = QueueAction.Delete,
            Targets = [new ContainmentTarget { Selector = new QueueSelector { SaslUsers = ["bob"] } }],
        });
        Assert.Contains(delete.Warnings, w => w.Contains("cannot be undone"));
        var (id, results) = executor.Apply(delete);
        Assert.Equal(bobs, results.Single().Touched);
        var left = postfix.List();
        Assert.Equal(queue.Count - bobs.Count, left.Count);
        Assert.DoesNotContain(left, m => bobs.Contains(m.QueueId));
        Assert.Contains(executor.Undo(id), r => r.Status == "undo_skipped" && r.Note!.Contains("cannot be brought back"));
    }
}
