using SpamTrace.Containment;
using SpamTrace.Queue;

namespace SpamTrace.Tests.Containment;

public class ContainmentPlanTests
{
    private static ContainmentPlan Plan(FakePostfix fake, ContainmentRequest request, string? configDir = null) =>
        new ContainmentPlanner([new PostfixInstance(fake, configDir)]).Build(request);

    private static ContainmentRequest Request(QueueSelector selector, bool blocks = false, QueueAction action = QueueAction.Hold) => new()
    {
        Action = action,
        Targets = [new ContainmentTarget { Label = "t", Selector = selector, BlockLogins = blocks, StopLocalSubmission = blocks }],
        UserName = uid => uid == 33 ? "www-data" : null,
    };

    [Theory]
    [InlineData(new string[0], new string[0])]
    [InlineData(new string[0], new[] { "yahoo.example" })]
    public void Empty_or_domain_only_selectors_are_refused(string[] users, string[] domains)
    {
        var fake = new FakePostfix();
        var ex = Assert.Throws<ContainmentException>(() => Plan(fake, Request(new QueueSelector { SaslUsers = [.. users], RecipientDomains = [.. domains] })));
        Assert.Contains("refusing", ex.Message);
        Assert.Empty(fake.Calls); // refused before anything is even listed
    }

    [Theory]
    [InlineData("*")]
    [InlineData("ali*")]
    [InlineData("")]
    [InlineData("alice bob")]
    public void Wildcard_or_blank_values_are_refused(string user)
    {
        Assert.Throws<ContainmentException>(() => new QueueSelector { SaslUsers = [user] }.Validate());
    }

    [Theory]
    [InlineData("news1")]
    [InlineData("@")]
    [InlineData("*@shop.example")]
    public void Senders_must_be_an_address_a_domain_or_the_null_sender(string sender)
    {
        Assert.Throws<ContainmentException>(() => new QueueSelector { Senders = [sender] }.Validate());
    }

    [Fact]
    public void Sasl_selection_holds_exactly_that_logins_mail_verified_in_each_queue_file()
    {
        var fake = new FakePostfix();
        var plan = Plan(fake, Request(new QueueSelector { SaslUsers = ["alice"] }));
        var hold = Assert.Single(plan.Steps);
        Assert.Equal(StepKind.Hold, hold.Kind);
        var expected = new[] { "promo1@queue-test.example", "promo2@queue-test.example", "promo3@queue-test.example", "promo4@queue-test.example" }
            .Select(fake.IdOfSender).Order();
        Assert.Equal(expected, hold.QueueIds.Order());
        Assert.Equal(4, plan.Selections.Single().Selected);
        // Every candidate's file was read (no sampling when acting).
        Assert.Equal(11, fake.Calls.Where(c => c.Program == "postcat").Sum(c => c.Arguments.Count - 1));
    }

    [Fact]
    public void Uid_selection_skips_the_already_held_and_other_users_mail()
    {
        var fake = new FakePostfix();
        var plan = Plan(fake, Request(new QueueSelector { Uids = [65534] }));
        Assert.Empty(plan.Steps); // nobody's one message is already on hold
        Assert.Equal(1, plan.Selections.Single().AlreadyInState);

        var www = Plan(fake, Request(new QueueSelector { Uids = [33], RecipientDomains = ["yahoo.example"] }));
        var ids = Assert.Single(www.Steps).QueueIds;
        Assert.Equal(new[] { "news1@shop.example", "news2@shop.example", "news3@shop.example" }.Select(fake.IdOfSender).Order(), ids.Order());
    }

    [Fact]
    public void Messages_with_recipients_outside_the_domain_are_left_alone_and_reported()
    {
        var fake = new FakePostfix();
        var selector = new QueueSelector { Senders = ["@shop.example"], RecipientDomains = ["yahoo.example"] };
        var message = new QueuedMessage("deferred", "ABCDE12345", DateTimeOffset.Now, 1, "x@shop.example",
            [new QueuedRecipient("a@yahoo.example", null), new QueuedRecipient("b@customer.example", null)]);
        Assert.False(selector.MatchesListing(message));
        Assert.True(selector.IsMixedRecipients(message));
    }

    [Fact]
    public void Login_block_adds_a_map_entry_and_wires_check_sasl_access_first_then_reloads()
    {
        var dir = Directory.CreateTempSubdirectory("spamtrace-plan-").FullName;
        try
        {
            var fake = new FakePostfix();
            fake.MainCf["smtpd_relay_restrictions"] = "permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination";
            var plan = Plan(fake, Request(new QueueSelector { SaslUsers = ["alice"] }, blocks: true), dir);
            Assert.Equal([StepKind.Hold, StepKind.MapEntry, StepKind.Postconf, StepKind.Reload], plan.Steps.Select(s => s.Kind));
            var map = plan.Steps[1];
            Assert.Equal(Path.Combine(dir, "spamtrace_sasl_access"), map.MapPath);
            Assert.StartsWith("alice REJECT", Assert.Single(map.MapLines));
            var wire = plan.Steps[2];
            Assert.Equal("smtpd_relay_restrictions", wire.Parameter);
            Assert.Equal("permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination", wire.OldValue);
            Assert.StartsWith($"check_sasl_access hash:{dir}/spamtrace_sasl_access, permit_mynetworks", wire.NewValue);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void An_existing_check_sasl_access_map_is_reused_and_not_wired_again()
    {
        var dir = Directory.CreateTempSubdirectory("spamtrace-plan-").FullName;
        try
        {
            var fake = new FakePostfix();
            var map = Path.Combine(dir, "sasl_access");
            File.WriteAllText(map, "carol REJECT\n");
            fake.MainCf["smtpd_recipient_restrictions"] = $"check_sasl_access lmdb:{map}, permit_sasl_authenticated, reject_unauth_destination";
            var plan = Plan(fake, new ContainmentRequest
            {
                Action = QueueAction.None,
                Targets = [new ContainmentTarget { Selector = new QueueSelector { SaslUsers = ["alice", "carol"] }, BlockLogins = true }],
            }, dir);
            Assert.Equal([StepKind.MapEntry, StepKind.Reload], plan.Steps.Select(s => s.Kind));
            Assert.Equal("lmdb", plan.Steps[0].MapType);
            Assert.Equal(map, plan.Steps[0].MapPath);
            Assert.StartsWith("alice ", Assert.Single(plan.Steps[0].MapLines)); // carol already has an entry: left as is
            Assert.Contains(plan.Steps[0].Warnings, w => w.Contains("carol"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Local_user_is_excluded_from_submitting_and_root_never_is()
    {
        var fake = new FakePostfix();
        var plan = Plan(fake, new ContainmentRequest
        {
            Action = QueueAction.None,
            Targets = [new ContainmentTarget { Selector = new QueueSelector { Uids = [33, 0] }, StopLocalSubmission = true }],
            UserName = uid => uid == 33 ? "www-data" : "root",
        });
        var step = plan.Steps.Single(s => s.Kind == StepKind.Postconf);
        Assert.Equal("authorized_submit_users", step.Parameter);
        Assert.Equal("!www-data, static:anyone", step.NewValue);
        Assert.Null(step.OldValue);
        Assert.Contains(plan.Warnings, w => w.Contains("root"));
    }

    [Fact]
    public void Closing_a_relay_states_both_values_and_keeps_earlier_access_checks()
    {
        var fake = new FakePostfix();
        fake.MainCf["smtpd_relay_restrictions"] = "check_sender_access hash:/etc/postfix/senders, permit_mynetworks, permit";
        var plan = Plan(fake, new ContainmentRequest
        {
            Action = QueueAction.None,
            Targets = [new ContainmentTarget { Selector = new QueueSelector { Clients = ["192.0.2.50"] }, CloseRelay = true }],
        });
        var changes = plan.Steps.Where(s => s.Kind == StepKind.Postconf).ToDictionary(s => s.Parameter!, s => s.NewValue);
        Assert.Equal("127.0.0.0/8 [::1]/128", changes["mynetworks"]);
        Assert.Equal("check_sender_access hash:/etc/postfix/senders, permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination",
            changes["smtpd_relay_restrictions"]);

        // A relay list that already rejects unauthorised destinations is left alone: mynetworks was the hole.
        var closed = Plan(new FakePostfix(), new ContainmentRequest
        {
            Action = QueueAction.None,
            Targets = [new ContainmentTarget { Selector = new QueueSelector { Clients = ["192.0.2.50"] }, CloseRelay = true }],
        });
        Assert.Equal(["mynetworks"], closed.Steps.Where(s => s.Kind == StepKind.Postconf).Select(s => s.Parameter));
    }

    [Fact]
    public void Diagnose_culprits_read_only_kind_and_key()
    {
        var culprits = DiagnoseVerdictReader.Read("""
            {"verdict": "spam", "culprits": [
              {"kind": "sasl", "key": "alice", "score": 0.97, "evidence": ["x"]},
              {"kind": "local", "key": 33},
              {"kind": "bounce", "key": ""}]}
            """, "d.json");
        Assert.Equal([new Culprit("sasl", "alice"), new Culprit("local", "33"), new Culprit("bounce", "")], culprits);
        var bad = Assert.Throws<ContainmentException>(() => DiagnoseVerdictReader.Read("""{"culprits": [{"kind": "martian", "key": "x"}]}""", "d.json"));
        Assert.Contains("culprits[0].kind", bad.Message);
        Assert.Throws<ContainmentException>(() => DiagnoseVerdictReader.Read("{\n\"culprits\": [", "d.json"));
    }
}
