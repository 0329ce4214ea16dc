using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpamTrace.Tests.Policy;

/// <summary>`spamtrace policy serve` as a process: SIGHUP reloads without dropping connections, SIGTERM stops cleanly.</summary>
public sealed class PolicyServeProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spamtrace-policy-serve-").FullName;

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private string WriteConfig(int port, string window) =>
        WriteFile("policy.json", $$"""
            {
              "listen": { "tcp": "127.0.0.1:{{port}}", "unix": "{{Path.Combine(_dir, "policy.sock")}}" },
              "store": { "path": "{{Path.Combine(_dir, "policy.db")}}" },
              "limits": [ { "name": "user", "windows": ["{{window}}"] } ]
            }
            """);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }

    private static void Signal(int pid, string signal) => Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    [Fact]
    public async Task Sighup_reloads_limits_on_open_connections_and_sigterm_stops_cleanly()
    {
        var port = FreePort();
        var config = WriteConfig(port, "100/1h");
        // Started with SIGHUP ignored, as under nohup or from a shell's background job: reload must still work.
        var info = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        foreach (var a in new[] { "-c", "trap '' HUP; exec \"$0\" \"$@\"", dotnet, Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll"), "policy", "serve", "-c", config })
        {
            info.ArgumentList.Add(a);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Start-up of a fresh process takes seconds on a loaded two-core machine: up to 60 s before the first connection.
            Socket? socket = null;
            for (var i = 0; i < 600 && socket is null && !process.HasExited; i++)
            {
                try
                {
                    socket = await PolicyTestSupport.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
                }
                catch (SocketException)
                {
                    await Task.Delay(100);
                }
            }
            Assert.NotNull(socket);
            using (socket)
            {
                var eom = PolicyTestSupport.Request("END-OF-MESSAGE", "alice", recipientCount: 1);
                Assert.Equal("DUNNO", await PolicyTestSupport.ExchangeAsync(socket, eom));
                Assert.Equal("DUNNO", await PolicyTestSupport.ExchangeAsync(socket, eom));
                WriteConfig(port, "2/1h");
                Signal(process.Id, "HUP");
                string? reply = null;
                for (var i = 0; i < 50 && reply?.StartsWith("DEFER", StringComparison.Ordinal) != true; i++)
                {
                    await Task.Delay(100);
                    reply = await PolicyTestSupport.ExchangeAsync(socket, PolicyTestSupport.Request("RCPT", "alice"));
                }
                Assert.StartsWith("DEFER", reply);
                // An invalid config on SIGHUP keeps the running one.
                WriteFile("policy.json", "{ \"limits\": [ { \"name\": \"user\", \"windows\": [\"x\"] } ] }");
                Signal(process.Id, "HUP");
                await Task.Delay(500);
                Assert.StartsWith("DEFER", await PolicyTestSupport.ExchangeAsync(socket, PolicyTestSupport.Request("RCPT", "alice")));
            }
            Signal(process.Id, "TERM");
            Assert.True(process.WaitForExit(15_000), "the service did not stop within 15 s of SIGTERM");
            Assert.Equal(0, process.ExitCode);
            Assert.False(File.Exists(Path.Combine(_dir, "policy.sock")), "the unix socket was left behind");
            var log = await stdout + await stderr;
            Assert.Contains("SIGHUP was ignored when the service started", log);
            Assert.Contains("SIGHUP: reloaded", log);
            Assert.Contains("is invalid, keeping the running config", log);
            Assert.Contains("policy service stopped", log);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
