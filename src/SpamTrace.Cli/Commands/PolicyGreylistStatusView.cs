using System.Globalization;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Reports;
using Spectre.Console;

namespace SpamTrace.Cli.Commands;

/// <summary>The greylisting part of `policy status`: counters, what the store holds, the slowest-passing sender domains.</summary>
internal static class PolicyGreylistStatusView
{
    public static void Render(GreylistStatus? g)
    {
        if (g is null || !g.Enabled)
        {
            return;
        }
        var c = CultureInfo.InvariantCulture;
        AnsiConsole.WriteLine(TerminalText.Escape(g.Settings));
        if (g.Counters)
        {
            AnsiConsole.WriteLine(string.Create(c,
                $"greylisting since start: greylisted {g.Greylisted}{(g.WouldGreylist > 0 ? $" (would have: {g.WouldGreylist})" : "")}, passed after retry {g.PassedAfterRetry}, passed {g.Passed}, auto-whitelisted passes {g.AutoWhitelistedPasses} (new clients {g.NewlyAutoWhitelisted}), whitelisted {g.Whitelisted}, skipped {g.Skipped}, expired {g.Expired}, pooled {g.Pooled}, store errors {g.StoreErrors}"));
        }
        if (g.Triplets is { } triplets)
        {
            AnsiConsole.WriteLine(string.Create(c, $"greylist store: {triplets} triplets ({g.Waiting} waiting for a retry, {g.PassedTriplets} passed), {g.AutoWhitelistedClients} auto-whitelisted clients"));
        }
        if (g.SlowestPools.Count > 0)
        {
            var table = new Table().Title("slowest-passing sender domains (delay from first attempt to pass)").AddColumns("sender domain", "passes", "average", "longest", "SPF pool");
            foreach (var p in g.SlowestPools)
            {
                table.AddRow(new Text(TerminalText.Escape(p.Domain)), new Text(p.Passes.ToString(c)), new Text(Seconds(p.AverageDelaySeconds)), new Text(Seconds(p.MaxDelaySeconds)), new Text(p.Pooled ? "yes" : "no"));
            }
            AnsiConsole.Write(table);
        }
    }

    private static string Seconds(long s) => s >= 3600 ? $"{s / 3600}h{s % 3600 / 60:00}m" : s >= 60 ? $"{s / 60}m{s % 60:00}s" : $"{s}s";
}
