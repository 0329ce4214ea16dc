using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpamTrace.Tests.Policy;

/// <summary>`spamtrace policy serve` as a process: SIGHUP reloads the greylist section and keeps the greylist store.</summary>
public sealed class PolicyServeGreylistReloadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spamtrace-policy-greylist-hup-").FullName;

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private string WriteConfig(int port, string greylist) =>
        WriteFile("policy.json", $$"""
            {
              "listen": { "tcp": "127.0.0.1:{{port}}" },
              "store": { "path": "{{Path.Combine(_dir, "policy.db")}}" },
              "limits": [ { "name": "user", "windows": ["100/1h"] } ],
              "greylist": { {{greylist}} }
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

    private static string Rcpt(string client, string recipient) =>
        PolicyTestSupport.Request("RCPT", null, client: client, sender: "news@lists.example.org", recipient: recipient);

    /// <summary>Sends the request until the reply satisfies <paramref name="wanted"/> (the reload is asynchronous).</summary>
    private static async Task<string?> UntilAsync(Socket socket, string request, Func<string?, bool> wanted)
    {
        string? reply = null;
        for (var i = 0; i < 50 && !wanted(reply); i++)
        {
            await Task.Delay(100);
            reply = await PolicyTestSupport.ExchangeAsync(socket, request);
        }
        return reply;
    }

    [Fact]
    public async Task Sighup_reloads_timers_mode_and_whitelists_keeps_the_store_and_keeps_the_old_config_when_the_new_is_bad()
    {
        var port = FreePort();
        var config = WriteConfig(port, "\"delay\": \"1h\"");
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll"), "policy", "serve", "-c", config })
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
                var first = Rcpt("203.0.113.5", "bob@example.net");
                Assert.StartsWith("DEFER_IF_PERMIT 4.7.1 Greylisted, retry in 3600 seconds", await PolicyTestSupport.ExchangeAsync(socket, first));

                // A shorter delay and a client whitelist: the triplet seen before passes (its first attempt was kept),
                // the whitelisted client passes at once, a new triplet is deferred by the new delay.
                WriteFile("clients", "# local additions\n198.51.100.0/24\n");
                WriteConfig(port, "\"delay\": \"1s\", \"text\": \"Come back in %s seconds\", \"whitelistClients\": [\"clients\"]");
                Signal(process.Id, "HUP");
                await Task.Delay(1100);
                Assert.Equal("DUNNO", await UntilAsync(socket, first, r => r == "DUNNO"));
                Assert.Equal("DUNNO", await PolicyTestSupport.ExchangeAsync(socket, Rcpt("198.51.100.7", "carol@example.net")));
                Assert.Equal("DEFER_IF_PERMIT 4.7.1 Come back in 1 seconds", await PolicyTestSupport.ExchangeAsync(socket, Rcpt("203.0.113.5", "dave@example.net")));

                // Training mode: recorded, not deferred.
                WriteConfig(port, "\"delay\": \"1h\", \"mode\": \"training\"");
                Signal(process.Id, "HUP");
                Assert.Equal("DUNNO", await UntilAsync(socket, Rcpt("192.0.2.99", "erin@example.net"), r => r == "DUNNO"));

                // A bad whitelist line on SIGHUP keeps the running config (training) and names the file and line.
                WriteFile("bad-clients", "mail.example.org\n/[unclosed/\n");
                WriteConfig(port, "\"delay\": \"1h\", \"whitelistClients\": [\"bad-clients\"]");
                Signal(process.Id, "HUP");
                await Task.Delay(500);
                Assert.Equal("DUNNO", await PolicyTestSupport.ExchangeAsync(socket, Rcpt("192.0.2.100", "frank@example.net")));
            }
            Signal(process.Id, "TERM");
            Assert.True(process.WaitForExit(15_000), "the service did not stop within 15 s of SIGTERM");
            Assert.Equal(0, process.ExitCode);
            var log = await stdout + await stderr;
            Assert.Contains("greylisting on: delay 1h", log);
            Assert.Contains("greylisting on: delay 1s", log);
            Assert.Contains("greylisting in training mode", log);
            Assert.Contains("is invalid, keeping the running config", log);
            Assert.Contains(Path.Combine(_dir, "bad-clients") + ":2:", log);
            Assert.Contains("passed-after-retry client=203.0.113.5", log);
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
