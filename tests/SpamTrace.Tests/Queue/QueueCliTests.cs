using System.Text.Json;
using SpamTrace.Cli.Commands;
using Spectre.Console.Cli;

namespace SpamTrace.Tests.Queue;

/// <summary>The commands as a user calls them (in process), on the real captured listing.</summary>
[Collection("Console")]
public class QueueCliTests
{
    private static (int ExitCode, string Output) Run(params string[] args)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.AddCommand<QueueCommand>("queue");
            config.AddCommand<ContainCommand>("contain");
            config.SetExceptionHandler((ex, _) => SpamTrace.Cli.CliErrors.Report(ex));
        });
        var original = Console.Out;
        var writer = new StringWriter();
        Console.SetOut(writer);
        try
        {
            return (app.Run(args), writer.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    [Fact]
    public void Queue_json_from_a_saved_listing_classifies_reasons_and_exits_1_on_reputation_refusals()
    {
        var (exit, output) = Run("queue", "--input", Path.Combine(QueueFixtures.Directory, "postqueue-j.jsonl"), "--json");
        Assert.Equal(1, exit); // Yahoo TS03 and Gmail 4.7.28 in the queue: receivers distrust us
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(11, json.GetProperty("messages").GetInt32());
        var reasons = json.GetProperty("by_delay_reason").EnumerateArray().ToList();
        Assert.Contains(reasons, r => r.GetProperty("verdict").TryGetProperty("rule", out var rule) && rule.GetString() == "TS03"
                                      && r.GetProperty("verdict").GetProperty("is_reputation_problem").GetBoolean());
    }

    [Fact]
    public void Queue_reads_the_mailq_text_too()
    {
        var (exit, output) = Run("queue", "--input", Path.Combine(QueueFixtures.Directory, "postqueue-p.txt"), "--json");
        Assert.Equal(1, exit);
        Assert.Equal(11, JsonDocument.Parse(output).RootElement.GetProperty("messages").GetInt32());
    }

    [Fact]
    public void Contain_refuses_an_empty_selector_with_exit_2()
    {
        var (exit, _) = Run("contain", "--recipient-domain", "yahoo.com");
        Assert.Equal(2, exit);
        Assert.Equal(2, Run("contain", "--sasl-user", "a", "--from-diagnose", "x.json").ExitCode);
    }
}
