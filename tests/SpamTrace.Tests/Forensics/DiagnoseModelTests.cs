using SpamTrace.Forensics;
using SpamTrace.Reports.Diagnose;

namespace SpamTrace.Tests.Forensics;

/// <summary>
/// Each kind's evidence model on logs in the lab's own line format (<see cref="LabLog"/>), end to end: every kind is
/// accused when receivers refuse nothing (and when they do), the inbound gateway and legitimate look-alikes are not.
/// </summary>
public class DiagnoseModelTests
{
    private static readonly string[] Partners = ["partner.example", "clients.example", "news.example", "shop.example"];

    /// <summary>Two ordinary users, one IP each, a few messages to partners.</summary>
    private static void LegitUsers(LabLog log)
    {
        foreach (var (user, ip) in new[] { ("carol@lab.example", "203.0.113.251"), ("dave@lab.example", "203.0.113.244") })
        {
            for (var i = 0; i < 3; i++)
            {
                log.Submission(user, ip, user, $"contact{i}@{Partners[i]}");
            }
        }
    }

    private static LabLog NewLog(bool refusals) => new() { Route = refusals ? LabLog.LabRoutes : LabLog.AcceptAll };

    private static string Explain(Diagnosis d) =>
        string.Join("; ", d.Origins.Select(o => $"{o.Id} {o.Score} [{string.Join(",", o.Evidence.Select(e => $"{e.Code}:{e.Points}"))}]"));

    private static void AssertCulprits(Diagnosis d, params string[] expected)
    {
        Assert.True(expected.Order(StringComparer.Ordinal).SequenceEqual(d.Culprits.Select(c => c.Id.ToString()).Order(StringComparer.Ordinal)),
            $"expected {string.Join(", ", expected)}; origins: {Explain(d)}");
        // One rule, always: a score at or above the threshold is a culprit, below it is not.
        Assert.All(d.Origins, o => Assert.Equal(o.Score >= Detector.CulpritScore, o.IsCulprit));
        Assert.All(d.Origins, o => Assert.Equal(o.Score, o.Evidence.Sum(e => e.Points)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_open_relay_is_accused_per_client_that_relayed(bool refusals)
    {
        var log = NewLog(refusals);
        LegitUsers(log);
        var clients = new[] { "198.19.51.110", "198.19.200.124", "198.19.95.79" };
        log.RelayDenied(clients[0], "probe0@bulk-sender.example", "draftreminder306@mailbox.example");
        for (var i = 0; i < 12; i++)
        {
            log.Smtp(clients[i % 3], $"promo{i}@bulk-sender.example", $"gone.r{i}@gmail.com", $"r{i}@yahoo.com", $"r{i}@d{i}.example");
        }
        var d = log.Diagnose().Diagnosis;
        AssertCulprits(d, clients.Select(c => "relay:" + c).ToArray());
        Assert.All(d.Culprits, c => Assert.Contains(c.Evidence, e => e.Code == "open-relay" && e.Points == 40));
        Assert.All(d.Culprits, c => Assert.StartsWith("open relay", c.Verdict, StringComparison.Ordinal));
        // Every point is its own: no deferral evidence on a client none of whose recipients was deferred.
        Assert.All(d.Origins, o => Assert.True(o.Stats.DeferredOnce > 0 || o.Evidence.All(e => e.Code != "deferral-rate")));
    }

    [Fact]
    public void An_inbound_gateway_relaying_its_domain_to_the_internal_server_is_not_an_open_relay()
    {
        var log = NewLog(refusals: false);
        LegitUsers(log);
        string[] senders = ["alerts@bank.example", "a.friend@gmail.com", "orders@shop.example", "news@list.example", "someone@outlook.com"];
        for (var i = 0; i < 30; i++)
        {
            log.Smtp($"198.18.{10 + (i % 12)}.{20 + i}", senders[i % senders.Length], $"{(i % 2 == 0 ? "info" : "sales")}@corp.example");
        }
        var d = log.Diagnose().Diagnosis;
        AssertCulprits(d);
        Assert.Contains("corp.example", d.OwnDomains.Keys);
        Assert.DoesNotContain(d.Origins, o => o.Id.Kind == CulpritKind.Relay);
        Assert.Equal(30, d.InboundMessages);
        Assert.Equal(6, d.OutboundMessages);
    }

    [Theory]
    [InlineData(false, 3)]
    [InlineData(true, 3)]
    [InlineData(false, 1)]
    public void Backscatter_of_three_notices_to_one_domain_is_accused_and_its_clients_named_as_the_cause(bool refusals, int clients)
    {
        var log = NewLog(refusals);
        var routes = log.Route;
        log.Route = to => to.EndsWith("@legacy.example", StringComparison.Ordinal) ? ("bounced", "192.0.2.11[192.0.2.11]:25", "5.1.1", LabLog.UnknownUser) : routes(to);
        LegitUsers(log);
        for (var i = 0; i < 3; i++)
        {
            log.Smtp($"198.19.181.{62 + (i % clients)}", $"offer.delivery{i}@gmail.com", $"requestproject{470 + i}@legacy.example");
        }
        var run = log.Diagnose();
        var d = run.Diagnosis;
        AssertCulprits(d, "bounce");
        var bounce = Assert.Single(d.Culprits);
        var cause = Assert.Single(bounce.Evidence, e => e.Code == "bounces-of-inbound");
        Assert.Contains("198.19.181.62", cause.Text, StringComparison.Ordinal);
        Assert.Equal(["legacy.example"], bounce.TargetDomains);
        Assert.DoesNotContain(d.Origins, o => o.Id.Kind == CulpritKind.Relay);
        var actions = ActionPlanner.For(bounce);
        Assert.Contains(actions, a => a.Command?.Contains("relay_recipient_maps", StringComparison.Ordinal) == true);
        Assert.Contains(actions, a => a.Command?.Contains("smtpd_reject_unlisted_recipient", StringComparison.Ordinal) == true);
        Assert.Contains(actions, a => a.Note?.Contains("D_DISCARD", StringComparison.Ordinal) == true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_login_used_from_two_ips_after_failures_from_a_third_is_a_stolen_account(bool refusals)
    {
        var log = NewLog(refusals);
        LegitUsers(log);
        for (var i = 0; i < 4; i++)
        {
            log.AuthFailure("198.18.7.77", "alice@lab.example");
            log.AuthFailure("198.18.7.77", "admin@lab.example");
        }
        for (var i = 0; i < 12; i++)
        {
            var ip = i % 2 == 0 ? "198.18.166.108" : "198.18.144.84";
            log.Submission("alice@lab.example", ip, "alice@lab.example", $"r{i}a@d{i}.example", $"gone.r{i}@gmail.com", $"r{i}c@yahoo.com", $"r{i}d@e{i}.example");
        }
        var d = log.Diagnose().Diagnosis;
        AssertCulprits(d, "sasl:alice@lab.example");
        var alice = d.Culprits.Single();
        Assert.Contains(alice.Evidence, e => e.Code == "brute-force" && e.Text.Contains("naming this login", StringComparison.Ordinal));
        Assert.Contains(alice.Evidence, e => e.Code == "client-ips");
        Assert.Equal("stolen or abused account", alice.Verdict);
    }

    [Fact]
    public void A_legitimate_user_roaming_between_two_networks_is_not_accused()
    {
        var log = NewLog(refusals: false);
        LegitUsers(log);
        for (var i = 0; i < 8; i++)
        {
            log.Submission("erin@lab.example", i % 2 == 0 ? "203.0.113.79" : "198.51.100.20", "erin@lab.example", $"friend{i % 3}@{Partners[i % 4]}");
        }
        var d = log.Diagnose().Diagnosis;
        AssertCulprits(d);
        var erin = d.Origins.Single(o => o.Id.Key == "erin@lab.example");
        Assert.Contains(erin.Evidence, e => e.Code == "client-ips");
        Assert.Equal("authenticated login", erin.Verdict);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_script_writing_to_many_strangers_is_accused_and_a_contact_form_is_not(bool refusals)
    {
        var log = NewLog(refusals);
        LegitUsers(log);
        for (var i = 0; i < 12; i++)
        {
            log.Pickup(1001, "shopsite", "shopsite@lab.example", "contact.php", "shop-owner@clients.example");
        }
        for (var i = 0; i < 8; i++)
        {
            log.Pickup(33, "www-data", "www-data@lab.example", "class-wp-mailer.php", $"target{i}@d{i}.example", $"gone.t{i}@gmail.com");
        }
        var d = log.Diagnose().Diagnosis;
        AssertCulprits(d, "local:33");
        Assert.Equal("class-wp-mailer.php", d.Culprits.Single().MainScript);
        var form = d.Origins.Single(o => o.Id.Key == "1001");
        Assert.Equal(0, form.Score);
        Assert.Equal("local submission (sendmail, PHP mail())", form.Verdict);
    }

    [Fact]
    public void On_three_days_a_daily_newsletter_is_no_burst_and_the_attack_is_dated_on_day_three()
    {
        var log = NewLog(refusals: false);
        log.Time = new DateTime(2026, 11, 27, 6, 0, 0, DateTimeKind.Utc);
        for (var day = 0; day < 3; day++)
        {
            var dayStart = new DateTime(2026, 11, 27, 6, 0, 0, DateTimeKind.Utc).AddDays(day);
            log.Time = dayStart;
            LegitUsers(log);
            log.Time = dayStart.AddHours(2);
            for (var i = 0; i < 60; i++)
            {
                log.Submission("news@lab.example", "203.0.113.50", "news@lab.example", $"sub{i}@{Partners[i % 4]}");
            }
            log.Time = dayStart.AddHours(6);
            log.Submission("bob@lab.example", "203.0.113.31", "bob@lab.example", $"colleague{day}@partner.example");
        }
        var attack = new DateTime(2026, 11, 29, 14, 0, 0, DateTimeKind.Utc);
        log.Time = attack.AddMinutes(-30);
        for (var i = 0; i < 10; i++)
        {
            log.AuthFailure($"198.18.9.{i}", "bob@lab.example");
        }
        log.Time = attack;
        for (var i = 0; i < 40; i++)
        {
            log.Submission("bob@lab.example", $"198.18.{i % 8}.{i}", "bob@lab.example", $"v{i}@d{i}.example", $"w{i}@e{i}.example", $"x{i}@gmail.com");
        }
        var d = log.Diagnose().Diagnosis;
        AssertCulprits(d, "sasl:bob@lab.example");
        var news = d.Origins.Single(o => o.Id.Key == "news@lab.example");
        Assert.False(news.Burst);
        var bob = d.Culprits.Single();
        Assert.True(bob.Burst);
        Assert.Equal(attack, bob.SinceUtc);
        Assert.Equal(bob.SinceUtc, d.BurstStartUtc);
        Assert.Contains(d.Notes, n => n.Contains("earlier days", StringComparison.Ordinal));
    }

    [Fact]
    public void The_json_gives_the_rule_our_domains_and_neutral_verdicts_to_non_culprits()
    {
        var log = NewLog(refusals: true);
        LegitUsers(log);
        for (var i = 0; i < 12; i++)
        {
            log.Smtp("198.19.51.110", $"promo{i}@bulk-sender.example", $"r{i}@yahoo.com", $"r{i}@d{i}.example");
        }
        using var json = new MemoryStream();
        DiagnoseJsonWriter.Write(json, log.Diagnose());
        using var doc = System.Text.Json.JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        Assert.Contains("40 or more is a culprit", root.GetProperty("culprit_rule").GetString(), StringComparison.Ordinal);
        Assert.Contains(root.GetProperty("server").GetProperty("own_domains").EnumerateArray(), e => e.GetProperty("domain").GetString() == "lab.example");
        var accusing = new[] { "stolen", "hacked", "open relay", "backscatter", "compromised", "spam" };
        foreach (var o in root.GetProperty("origins").EnumerateArray().Where(o => !o.GetProperty("culprit").GetBoolean()))
        {
            var verdict = o.GetProperty("verdict").GetString()!;
            Assert.DoesNotContain(accusing, w => verdict.Contains(w, StringComparison.OrdinalIgnoreCase));
        }
        Assert.Equal("relay:198.19.51.110", root.GetProperty("culprits")[0].GetProperty("kind").GetString() + ":" + root.GetProperty("culprits")[0].GetProperty("key").GetString());
    }
}
