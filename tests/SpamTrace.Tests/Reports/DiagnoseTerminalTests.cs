using SpamTrace.Forensics;
using SpamTrace.Logs.Parsing;
using SpamTrace.Reports.Diagnose;
using SpamTrace.Tests.Forensics;
using Spectre.Console;

namespace SpamTrace.Tests.Reports;

public class DiagnoseTerminalTests
{
    [Fact]
    public void A_login_carrying_terminal_escape_sequences_is_shown_as_visible_text()
    {
        var f = new ChainFactory();
        var o = new DiagnoseObserver(UidNames.None);
        var start = new DateTime(2026, 3, 2, 20, 0, 0, DateTimeKind.Utc);
        const string login = "eve\u001b]0;owned\u0007\u001b[2J[red]x[/]";
        for (var i = 0; i < 30; i++)
        {
            o.OnSessionEvent(f.AuthFailure(start.AddSeconds(-100 + i), $"198.51.100.{i + 1}", null));
            o.OnChain(f.Sasl(start.AddSeconds(i * 7), login, $"198.51.100.{i + 1}", $"s{i}@forged{i}.example", [$"a{i}@gmail.com", $"b{i}@yahoo.com"],
                DeliveryStatus.Deferred, "4.7.1", "host mta5.am0.yahoodns.net[98.136.96.76] said: 421 4.7.1 [TS03] All messages from [192.0.2.10] will be permanently deferred"));
        }
        var run = new DiagnoseRun(DiagnoseService.Finish(o, null), null, null);
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 4000;

        new DiagnoseTerminalRenderer(console).Render(run);

        var text = writer.ToString();
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\u0007', text);
        Assert.Contains(@"eve\x1b]0;owned\x07\x1b[2J[red]x[/]", text);
    }

    [Fact]
    public void The_verdict_fits_one_80_by_24_screen_before_the_details_however_many_culprits()
    {
        var f = new ChainFactory();
        var o = new DiagnoseObserver(UidNames.None);
        var start = new DateTime(2026, 3, 2, 20, 0, 0, DateTimeKind.Utc);
        for (var c = 0; c < 9; c++)
        {
            for (var i = 0; i < 60; i++)
            {
                var to = Enumerable.Range(0, 5).Select(k => $"v{i}x{k}@d{c}x{i}x{k}.example").ToList();
                o.OnChain(f.Relay(start.AddSeconds((i * 5) + c), $"192.0.2.{70 + c}", "x@spam.example", to, DeliveryStatus.Bounced, "5.1.1", "550 5.1.1 User unknown"));
            }
        }
        var run = new DiagnoseRun(DiagnoseService.Finish(o, null), null, null);
        Assert.True(run.Diagnosis.Culprits.Count() > 5, "the fixture must accuse more culprits than the verdict lists");
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer) });
        console.Profile.Width = 80;

        new DiagnoseTerminalRenderer(console).Render(run);

        var lines = writer.ToString().Split('\n');
        var details = Array.FindIndex(lines, l => l.StartsWith("── 1. ", StringComparison.Ordinal));
        Assert.True(details > 0, "no details section");
        Assert.True(details <= 24, $"the verdict takes {details} lines at 80 columns:\n{string.Join("\n", lines.Take(details))}");
        Assert.Contains(lines.Take(details), l => l.Contains($"… and {run.Diagnosis.Culprits.Count() - 5} more", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(details), l => l.StartsWith("rule: ", StringComparison.Ordinal));
    }
}
