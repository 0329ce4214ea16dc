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
}
