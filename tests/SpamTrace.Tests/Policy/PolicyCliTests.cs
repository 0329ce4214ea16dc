using System.Diagnostics;

namespace SpamTrace.Tests.Policy;

/// <summary>The `policy` commands as a user runs them: exit codes and one-line errors with file and line.</summary>
public sealed class PolicyCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spamtrace-policy-cli-").FullName;

    private static (int Exit, string Stdout, string Stderr) Run(params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll"));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        info.Environment["COLUMNS"] = "200";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "spamtrace did not exit");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Check_reports_each_error_with_file_and_line_and_exits_2()
    {
        var path = Path.Combine(_dir, "policy.json");
        File.WriteAllText(path, "{\n  \"limits\": [\n    { \"name\": \"a\", \"windows\": [\"100/1w\"] }\n  ],\n  \"stor\": {}\n}\n");
        var (exit, _, stderr) = Run("policy", "check", "-c", path);
        Assert.Equal(2, exit);
        Assert.Contains($"{path}:3: limits[0].windows[0]: '100/1w' is not a window", stderr);
        Assert.Contains($"{path}:5: stor: unknown setting", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Check_accepts_the_example_and_a_missing_file_is_a_clear_error()
    {
        var (exit, stdout, _) = Run("policy", "check", "-c", Path.Combine(PolicyTestSupport.RepoRoot(), "dist", "policy.example.json"));
        Assert.Equal(0, exit);
        Assert.Contains("policy.example.json: ok", stdout);
        (exit, _, var stderr) = Run("policy", "check", "-c", Path.Combine(_dir, "missing.json"));
        Assert.Equal(2, exit);
        Assert.Contains($"no policy config at {Path.Combine(_dir, "missing.json")}: see README#policy-service, or -c FILE", stderr);
    }

    [Fact]
    public void Block_status_and_release_work_on_the_store_when_the_service_is_stopped()
    {
        var path = Path.Combine(_dir, "policy.json");
        File.WriteAllText(path, $$"""{ "listen": { "admin": "{{Path.Combine(_dir, "admin.sock")}}" }, "store": { "path": "{{Path.Combine(_dir, "policy.db")}}" } }""");
        var (exit, stdout, stderr) = Run("policy", "block", "mallory@example.com", "-c", path);
        Assert.True(exit == 0, stderr);
        Assert.Contains("mallory@example.com: contained (incident 1)", stdout);
        (exit, stdout, _) = Run("policy", "status", "--json", "-c", path);
        Assert.Equal(1, exit);
        Assert.Contains("\"user\":\"mallory@example.com\"", stdout);
        Assert.Contains("\"serviceRunning\":false", stdout);
        (exit, stdout, _) = Run("policy", "release", "mallory@example.com", "-c", path);
        Assert.Equal(0, exit);
        Assert.Contains("released", stdout);
        (exit, _, _) = Run("policy", "status", "-c", path);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Block_and_release_refuse_with_the_fix_when_the_service_runs_without_an_admin_socket()
    {
        var socket = Path.Combine(_dir, "policy.sock");
        var db = Path.Combine(_dir, "policy.db");
        var json = $$"""{ "listen": { "unix": "{{socket}}" }, "store": { "path": "{{db}}" } }""";
        var path = Path.Combine(_dir, "policy.json");
        File.WriteAllText(path, json);
        var store = new SpamTrace.Policy.Store.EmbeddedStore(db);
        var server = new SpamTrace.Policy.Serving.PolicyServer(PolicyTestSupport.Engine(PolicyTestSupport.Config(json), store), Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        server.Start();
        try
        {
            var (exit, stdout, stderr) = Run("policy", "block", "mallory@example.com", "-c", path);
            Assert.Equal(2, exit);
            Assert.Contains($"unix:{socket} answers", stderr);
            Assert.Contains("no admin socket", stderr);
            Assert.Contains("\"admin\"", stderr);
            Assert.Contains("Nothing was changed", stderr);
            Assert.DoesNotContain("contained", stdout);
            Assert.Empty(await store.ContainedAsync(CancellationToken.None));
            (exit, _, stderr) = Run("policy", "release", "mallory@example.com", "-c", path);
            Assert.Equal(2, exit);
            Assert.Contains("no admin socket", stderr);
            (exit, stdout, _) = Run("policy", "status", "-c", path);
            Assert.Contains("running (unix:", stdout);
            Assert.Contains("but no admin socket", stdout);
        }
        finally
        {
            await server.DisposeAsync();
            await store.DisposeAsync();
        }
        var (_, stopped, _) = Run("policy", "status", "-c", path);
        Assert.Contains("not running", stopped);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
