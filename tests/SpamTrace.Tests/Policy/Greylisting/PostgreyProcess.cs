using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SpamTrace.Tests.Policy.Greylisting;

/// <summary>
/// Debian's postgrey, started on 127.0.0.1 with a free port and a database directory of its own; stopped and removed
/// on dispose. Requests may carry policy_test_time, postgrey's own test clock.
/// </summary>
internal sealed class PostgreyProcess : IDisposable
{
    public const string Binary = "/usr/sbin/postgrey";

    private readonly Process _process;
    private readonly string _dir;

    public IPEndPoint EndPoint { get; }

    private PostgreyProcess(Process process, string dir, IPEndPoint endPoint)
    {
        _process = process;
        _dir = dir;
        EndPoint = endPoint;
    }

    public static bool Available => File.Exists(Binary);

    public static async Task<PostgreyProcess> StartAsync(params string[] options)
    {
        var dir = Directory.CreateTempSubdirectory("spamtrace-postgrey-").FullName;
        var port = FreePort();
        var user = Environment.UserName;
        if (user == "root")
        {
            // postgrey drops root for its own user (Net::Server); its database directory must be that user's.
            user = "postgrey";
            Run("chown", "postgrey:postgrey", dir);
        }
        var psi = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in (string[])[$"--inet=127.0.0.1:{port}", $"--dbdir={dir}", $"--user={user}", $"--group={Group(user)}", .. options])
        {
            psi.ArgumentList.Add(arg);
        }
        var process = Process.Start(psi)!;
        process.ErrorDataReceived += (_, _) => { };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        var started = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await probe.ConnectAsync(endPoint);
                break;
            }
            catch (SocketException) when (started.Elapsed < TimeSpan.FromSeconds(20) && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
        return new PostgreyProcess(process, dir, endPoint);
    }

    private static string Group(string user)
    {
        var psi = new ProcessStartInfo("id", ["-gn", user]) { RedirectStandardOutput = true };
        using var id = Process.Start(psi)!;
        var group = id.StandardOutput.ReadToEnd().Trim();
        id.WaitForExit();
        return group.Length > 0 ? group : user;
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args))!;
        p.WaitForExit();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
