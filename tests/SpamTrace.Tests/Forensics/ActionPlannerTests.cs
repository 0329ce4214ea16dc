using System.Diagnostics;
using SpamTrace.Common;
using SpamTrace.Forensics;
using SpamTrace.Logs.Parsing;

namespace SpamTrace.Tests.Forensics;

public class ActionPlannerTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 20, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string> Hostile() =>
    [
        "bob'; rm -rf / #",
        "$(touch /tmp/pwned)",
        "`id`",
        "a\"b\\c",
        "x' || echo hi '",
        "ünïcødé@example.org",
        "semi;colon&amp|pipe>redir<in",
    ];

    /// <summary>What the shell makes of a quoted word must be exactly the original text.</summary>
    [Theory]
    [MemberData(nameof(Hostile))]
    public void Quoted_text_reaches_the_command_unchanged(string text)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("printf '%s' " + ShellQuote.Quote(text));
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(text, output);
    }

    private static OriginAssessment Culprit(Action<DiagnoseObserver, ChainFactory> feed)
    {
        var o = new DiagnoseObserver(UidNames.None);
        feed(o, new ChainFactory());
        var d = DiagnoseService.Finish(o, null);
        return Assert.Single(d.Culprits);
    }

    private static void Flood(DiagnoseObserver o, ChainFactory f, string user, string sender)
    {
        for (var i = 0; i < 30; i++)
        {
            o.OnChain(f.Sasl(Start.AddSeconds(i), user, $"192.0.2.{i + 1}", sender, [$"a{i}@d{i}.example", $"b{i}@gmail.com"], DeliveryStatus.Deferred, "4.7.1",
                "host mx[192.0.2.1] said: 421 4.7.1 [TS03] All messages from [203.0.113.1] will be permanently deferred"));
        }
    }

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Every_command_quotes_the_attacker_controlled_login(string user)
    {
        var c = Culprit((o, f) => Flood(o, f, user, "spam@example.net"));
        Assert.Equal(user, c.Id.Key);
        var commands = c.Actions.Where(a => a.Command is not null).Select(a => a.Command!).ToList();
        Assert.NotEmpty(commands);
        foreach (var command in commands.Where(cmd => cmd.Contains(user, StringComparison.Ordinal) || cmd.Contains(ShellQuote.Quote(user), StringComparison.Ordinal)))
        {
            // The login appears only in its quoted form.
            Assert.Contains(ShellQuote.Quote(user), command, StringComparison.Ordinal);
        }
        Assert.Contains(commands, cmd => cmd.Contains("spamtrace contain --sasl-user " + ShellQuote.Quote(user), StringComparison.Ordinal));
    }

    [Fact]
    public void A_login_that_cannot_be_a_map_key_gets_no_map_command()
    {
        var c = Culprit((o, f) => Flood(o, f, "bad user\nREJECT", "spam@example.net"));
        Assert.DoesNotContain(c.Actions, a => a.Command?.Contains("sasl_access", StringComparison.Ordinal) == true && a.Command.Contains("printf", StringComparison.Ordinal));
        Assert.Contains(c.Actions, a => a.Note?.Contains("cannot be written into a map", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void The_queue_filter_selects_the_senders_in_a_valid_jq_program()
    {
        var c = Culprit((o, f) => Flood(o, f, "bob@example.org", "it's\"me@example.org"));
        var purge = c.Actions.Single(a => a.Command?.StartsWith("postqueue -j", StringComparison.Ordinal) == true).Command!;
        Assert.EndsWith("| postsuper -h -", purge, StringComparison.Ordinal);
        // The jq program survives the shell intact and names the sender as a JSON string.
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true };
        psi.ArgumentList.Add("-c");
        var program = purge["postqueue -j | jq -r ".Length..purge.LastIndexOf(" | postsuper", StringComparison.Ordinal)];
        psi.ArgumentList.Add("printf '%s' " + program);
        using var p = Process.Start(psi)!;
        var unquoted = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal("select(.sender == \"it\\u0027s\\u0022me@example.org\") | .queue_id", unquoted);
    }

    [Fact]
    public void A_hacked_script_gets_uid_lookup_find_and_submit_block()
    {
        var uids = new UidNames(new Dictionary<int, string> { [33] = "www-data" }, ["mx1"]);
        var o = new DiagnoseObserver(uids);
        var f = new ChainFactory();
        for (var i = 0; i < 30; i++)
        {
            o.OnChain(f.Local(Start.AddSeconds(i), 33, $"x{i}@forged{i}.example", [$"t{i}@d{i}.example"], "wp-cache.php';reboot;'.php", DeliveryStatus.Bounced, "5.7.1",
                "host mx[192.0.2.1] said: 554 5.7.1 blocked using zen.spamhaus.org"));
        }
        var c = Assert.Single(DiagnoseService.Finish(o, null).Culprits);
        Assert.Equal("local:33 (www-data)", c.Label);
        var commands = c.Actions.Select(a => a.Command).OfType<string>().ToList();
        Assert.True(commands.Count > 3, string.Join("\n", commands));
        Assert.Contains("getent passwd 33", commands);
        Assert.True(commands.Any(cmd => cmd.Contains("-name " + ShellQuote.Quote("wp-cache.php';reboot;'.php"), StringComparison.Ordinal)), string.Join("\n", commands));
        Assert.Contains(commands, cmd => cmd.Contains("authorized_submit_users = !www-data, static:anyone", StringComparison.Ordinal));
    }
}
