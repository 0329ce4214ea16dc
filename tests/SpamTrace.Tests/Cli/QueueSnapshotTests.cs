using System.Text.Json;

namespace SpamTrace.Tests.Cli;

/// <summary>
/// `queue --input`: a saved listing is measured from when it was taken (its modification time, or --now), and a
/// file that is not a queue listing is an input error naming the file and line. Runs the real binary.
/// </summary>
public sealed class QueueSnapshotTests : IDisposable
{
    private static readonly DateTime Taken = new(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("spamtrace-queue-snapshot-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Entry(string id, DateTime arrival) =>
        $$"""{"queue_name": "deferred", "queue_id": "{{id}}", "arrival_time": {{new DateTimeOffset(arrival).ToUnixTimeSeconds()}}, "message_size": 900, "forced_expire": false, "sender": "news@shop.example", "recipients": [{"address": "a@remote.example", "delay_reason": "connect to mx.remote.example[192.0.2.1]:25: Connection timed out"}]}""" + "\n";

    private string Snapshot()
    {
        var path = Path.Combine(_dir.FullName, "postqueue.json");
        File.WriteAllText(path, Entry("1A2B3C4D5E", Taken.AddMinutes(-30)) + Entry("2B3C4D5E6F", Taken.AddDays(-2)));
        File.SetLastWriteTimeUtc(path, Taken);
        return path;
    }

    private static Dictionary<string, long> Ages(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("by_age").EnumerateArray()
            .ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("messages").GetInt64());

    [Fact]
    public async Task Ages_are_measured_from_the_snapshot_files_modification_time()
    {
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["queue", "--input", Snapshot(), "--json"]);
        Assert.True(exit == 0, stderr);
        var ages = Ages(stdout);
        Assert.Equal(1, ages["< 1h"]);
        Assert.Equal(1, ages["1d-3d"]);
        Assert.Equal(0, ages[">= 3d"]);
    }

    [Fact]
    public async Task Now_sets_the_time_the_listing_was_taken()
    {
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["queue", "--input", Snapshot(), "--now", "2026-03-01T14:00:00Z", "--json"]);
        Assert.True(exit == 0, stderr);
        var ages = Ages(stdout);
        Assert.Equal(1, ages["1h-6h"]);
        Assert.Equal(1, ages["1d-3d"]);
    }

    [Fact]
    public async Task Now_without_input_is_a_usage_error()
    {
        var (exit, _, stderr) = await StrictOptionTests.RunAsync(["queue", "--now", "2026-03-01"]);
        Assert.Equal(2, exit);
        Assert.Contains("--now goes with --input", stderr);
    }

    [Fact]
    public async Task A_file_that_is_not_a_queue_listing_is_an_input_error_naming_file_and_line()
    {
        var path = Path.Combine(_dir.FullName, "dpkg.log");
        File.WriteAllText(path, string.Concat(Enumerable.Range(0, 50).Select(i => $"2026-12-01 10:{i:D2}:00 status installed libfoo{i}:amd64 1.{i}-1\n")));
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["queue", "--input", path]);
        Assert.Equal(2, exit);
        Assert.Contains($"{path}:1: not a mailq message line", stderr);
        Assert.Contains("is not a queue listing", stderr);
        Assert.DoesNotContain("0 messages", stdout);
    }
}
