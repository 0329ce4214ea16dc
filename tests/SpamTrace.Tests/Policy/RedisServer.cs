using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpamTrace.Tests.Policy;

/// <summary>
/// A throw-away redis-server (Debian's package, deps/policy.txt) on a free loopback port, without persistence,
/// killed by its PID when the test ends.
/// </summary>
internal sealed class RedisServer : IDisposable
{
    public const string Binary = "/usr/bin/redis-server";

    private Process? _process;

    public static bool Available => File.Exists(Binary);

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public RedisServer()
    {
        if (!Available)
        {
            throw new InvalidOperationException($"{Binary} is not installed (apt-get install redis-server; listed in deps/policy.txt)");
        }
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Start();
    }

    public void Start()
    {
        var info = new ProcessStartInfo(Binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes" })
        {
            info.ArgumentList.Add(arg);
        }
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new InvalidOperationException($"redis-server did not start on port {Port}");
    }

    /// <summary>Kills the server (by PID), as a crash or a network cut would take it away.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();
}

/// <summary>A test that needs redis-server: skipped with a visible reason when it is missing, except in CI (CI=true), where it must run.</summary>
public sealed class RedisFactAttribute : FactAttribute
{
    public RedisFactAttribute()
    {
        if (!RedisServer.Available && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"{RedisServer.Binary} not installed: apt-get install redis-server (deps/policy.txt) to run the Redis store tests";
        }
    }
}
