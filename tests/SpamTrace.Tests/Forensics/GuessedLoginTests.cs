using SpamTrace.Forensics;

namespace SpamTrace.Tests.Forensics;

/// <summary>
/// A client IP that failed to log in under names that never send mail here, then logged in as a real login: a
/// guesser that found the password. Judged on its own signs, not on how busy the login's peers are.
/// </summary>
public class GuessedLoginTests
{
    private static readonly string[] Partners = ["partner.example", "clients.example", "news.example", "shop.example"];

    private static string Explain(Diagnosis d) =>
        string.Join("; ", d.Origins.Select(o => $"{o.Id} {o.Score} [{string.Join(",", o.Evidence.Select(e => $"{e.Code}:{e.Points}"))}]"));

    /// <summary>Two ordinary users and a newsletter login writing to 60 subscribers in batches of ten.</summary>
    private static LabLog Office()
    {
        var log = new LabLog();
        foreach (var (user, ip) in new[] { ("carol@lab.example", "203.0.113.251"), ("dave@lab.example", "203.0.113.244") })
        {
            for (var i = 0; i < 4; i++)
            {
                log.Submission(user, ip, user, $"contact{i}@{Partners[i]}");
            }
        }
        for (var batch = 0; batch < 6; batch++)
        {
            log.Submission("news@lab.example", "203.0.113.90", "news@lab.example",
                Enumerable.Range(0, 10).Select(i => $"subscriber{batch * 10 + i}@{Partners[i % 4]}").ToArray());
        }
        return log;
    }

    [Fact]
    public void An_ip_that_guessed_other_names_and_then_got_in_from_two_ips_is_a_stolen_account()
    {
        var log = Office();
        foreach (var name in new[] { "alice", "alice", "alice", "admin", "info", "test" })
        {
            log.AuthFailure("198.18.183.120", $"{name}@lab.example");
        }
        for (var i = 0; i < 12; i++)
        {
            var ip = i % 2 == 0 ? "198.18.183.120" : "198.18.109.155";
            log.Submission("alice@lab.example", ip, "alice@lab.example",
                Enumerable.Range(0, 6).Select(r => $"r{i}x{r}@d{i % 5}x{r}.example").ToArray());
        }
        var d = log.Diagnose().Diagnosis;
        var alice = Assert.Single(d.Culprits);
        Assert.True(alice.Id == new OriginId(CulpritKind.Sasl, "alice@lab.example"), Explain(d));
        var guessed = Assert.Single(alice.Evidence, e => e.Code == "guessed-in");
        Assert.Contains("198.18.183.120", guessed.Text, StringComparison.Ordinal);
        Assert.Contains("admin@lab.example", guessed.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("carol", guessed.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Users_behind_one_office_address_who_mistype_their_passwords_are_not_guessers()
    {
        var log = Office();
        // Two users of the same office address fail once or twice, then log in from it and from home.
        foreach (var name in new[] { "erin", "erin", "frank" })
        {
            log.AuthFailure("203.0.113.77", $"{name}@lab.example");
        }
        foreach (var user in new[] { "erin@lab.example", "frank@lab.example" })
        {
            for (var i = 0; i < 6; i++)
            {
                log.Submission(user, i % 2 == 0 ? "203.0.113.77" : "198.51.100.20", user, $"friend{i}@{Partners[i % 4]}", $"other{i}@{Partners[(i + 1) % 4]}");
            }
        }
        var d = log.Diagnose().Diagnosis;
        Assert.True(!d.Culprits.Any(), Explain(d));
        Assert.All(d.Origins, o => Assert.DoesNotContain(o.Evidence, e => e.Code == "guessed-in"));
    }

    [Fact]
    public void One_mistyped_name_is_no_guessing()
    {
        var log = Office();
        log.AuthFailure("203.0.113.77", "gina@lab.exmaple");
        log.AuthFailure("203.0.113.77", "gina@lab.example");
        for (var i = 0; i < 6; i++)
        {
            log.Submission("gina@lab.example", i % 2 == 0 ? "203.0.113.77" : "198.51.100.20", "gina@lab.example", $"friend{i}@{Partners[i % 4]}", $"other{i}@{Partners[(i + 1) % 4]}");
        }
        var d = log.Diagnose().Diagnosis;
        Assert.True(!d.Culprits.Any(), Explain(d));
        Assert.DoesNotContain(d.Origins.Single(o => o.Id.Key == "gina@lab.example").Evidence, e => e.Code == "guessed-in");
    }
}
