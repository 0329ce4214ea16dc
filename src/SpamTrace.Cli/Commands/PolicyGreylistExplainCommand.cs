using System.ComponentModel;
using System.Globalization;
using SpamTrace.Policy.Admin;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary>
/// `spamtrace policy greylist explain ADDRESS|IP`: why mail from or to it was delayed and when it will pass, from the
/// running service (admin socket) or, when it is stopped, from its store. Exit 1 when a triplet is still waiting.
/// </summary>
public sealed class PolicyGreylistExplainCommand : Command<PolicyGreylistExplainCommand.Settings>
{
    public sealed class Settings : PolicySettings
    {
        [CommandArgument(0, "<ADDRESS|IP>")]
        [Description("A sender or recipient address, a domain, or a client IP address.")]
        public string Query { get; init; } = "";

        [CommandOption("--json")]
        [Description("Print the explanation as JSON.")]
        public bool Json { get; init; }
    }

    public override ValidationResult Validate(CommandContext context, Settings settings) =>
        settings.Query.Trim().Length == 0 || settings.Query.Any(char.IsControl) || settings.Query.Contains(' ')
            ? ValidationResult.Error("give one address, domain or IP address")
            : ValidationResult.Success();

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var config = settings.LoadConfig();
        var reply = AdminClient.SendAsync(config.AdminSocket, $"GREYLIST EXPLAIN {settings.Query.Trim()}", cancellationToken).GetAwaiter().GetResult();
        GreylistExplanation explanation;
        if (reply is not null && reply.Contains("\"query\"", StringComparison.Ordinal))
        {
            explanation = GreylistJson.ParseExplanation(reply) ?? throw new UserFacingException($"{config.AdminSocket}: unreadable admin reply");
        }
        else
        {
            explanation = PolicyGreylistStore.With(config, store => GreylistExplainer.ExplainAsync(settings.Query, config, store, DateTimeOffset.UtcNow, cancellationToken));
            explanation.Notes.Add("read from the store: the service is not answering on its admin socket");
        }
        var waiting = explanation.Triplets.Any(t => t.PassesFrom is not null) ? ExitCodes.Found : ExitCodes.Ok;
        if (settings.Json)
        {
            Console.WriteLine(GreylistJson.Serialize(explanation));
            return waiting;
        }
        var console = Consoles.Stdout();
        console.MarkupLine($"[bold]{E(explanation.Query)}[/] ({E(explanation.Kind)})");
        foreach (var reason in explanation.NeverGreylisted)
        {
            console.MarkupLine($"  never greylisted: {E(reason)}");
        }
        if (explanation.AutoWhitelist is { } awl)
        {
            console.MarkupLine($"  auto-whitelist: {E(awl)}");
        }
        if (explanation.Triplets.Count == 0)
        {
            console.MarkupLine("  no triplet recorded for it");
        }
        else
        {
            var table = new Table().AddColumns("triplet (client/sender/recipient)", "first seen (UTC)", "last seen (UTC)", "state");
            foreach (var t in explanation.Triplets)
            {
                table.AddRow(new Text(TerminalText.Escape(t.Triplet)), new Text(Time(t.FirstSeen)), new Text(Time(t.LastSeen)), new Text(TerminalText.Escape(t.State)));
            }
            console.Write(table);
        }
        foreach (var note in explanation.Notes)
        {
            console.MarkupLine($"  note: {E(note)}");
        }
        return waiting;
    }

    private static string E(string s) => Markup.Escape(TerminalText.Escape(s));

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
