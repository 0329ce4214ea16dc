using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SpamTrace.Dns.Resolving;

namespace SpamTrace.Tests.Dns.Support;

/// <summary>
/// A real authoritative DNS server (NSD, Debian's nsd package) on 127.0.0.1 and a free port, serving the zone
/// files a test writes; stopped and its folder removed on dispose.
/// </summary>
public sealed class NsdServer : IDisposable
{
    public const string Program = "/usr/sbin/nsd";

    private readonly Process _process;
    private readonly string _directory;

    private NsdServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        EndPoint = new IPEndPoint(IPAddress.Loopback, port);
    }

    public IPEndPoint EndPoint { get; }

    public static bool IsInstalled => File.Exists(Program);

    /// <summary>Starts NSD serving <paramref name="zones"/> (origin -> zone file text without $ORIGIN/SOA/NS: those are added).</summary>
    public static async Task<NsdServer> StartAsync(IReadOnlyDictionary<string, string> zones)
    {
        var directory = Directory.CreateTempSubdirectory("spamtrace-nsd-").FullName;
        var port = FreePort();
        var config = new StringBuilder($"""
            server:
              ip-address: 127.0.0.1@{port}
              port: {port}
              username: ""
              chroot: ""
              zonesdir: "{directory}"
              database: ""
              pidfile: "{directory}/nsd.pid"
              xfrdfile: "{directory}/xfrd.state"
              xfrdir: "{directory}"
              zonelistfile: "{directory}/zone.list"
              logfile: "{directory}/nsd.log"
              server-count: 1
              verbosity: 1
              hide-version: yes
              refuse-any: yes
            remote-control:
              control-enable: no

            """);
        foreach (var (origin, body) in zones)
        {
            var file = origin + ".zone";
            File.WriteAllText(Path.Combine(directory, file), $"""
                $ORIGIN {origin}.
                $TTL 60
                @ IN SOA ns.{origin}. hostmaster.{origin}. 1 3600 600 86400 60
                @ IN NS ns.{origin}.

                """ + body + "\n");
            config.Append($"zone:\n  name: \"{origin}\"\n  zonefile: \"{file}\"\n");
        }
        var configPath = Path.Combine(directory, "nsd.conf");
        File.WriteAllText(configPath, config.ToString());
        var process = Process.Start(new ProcessStartInfo(Program, ["-d", "-c", configPath])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var server = new NsdServer(process, directory, port);
        await server.WaitReadyAsync(zones.Keys.First());
        return server;
    }

    public DnsClientResolver Resolver(TimeSpan? timeout = null) =>
        new(new DnsResolverOptions { Servers = [EndPoint], Timeout = timeout ?? TimeSpan.FromSeconds(2), Retries = 0 });

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
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitReadyAsync(string origin)
    {
        using var resolver = Resolver(TimeSpan.FromMilliseconds(200));
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (_process.HasExited)
            {
                var log = File.Exists(Path.Combine(_directory, "nsd.log")) ? File.ReadAllText(Path.Combine(_directory, "nsd.log")) : "";
                throw new InvalidOperationException($"nsd exited with {_process.ExitCode}: {_process.StandardError.ReadToEnd()} {log}");
            }
            var answer = await resolver.QueryAsync("ns." + origin, DnsQueryType.A);
            if (answer.Status is DnsStatus.NoData or DnsStatus.Ok or DnsStatus.NxDomain)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("nsd did not answer within 10 s");
    }

    /// <summary>A port free for both UDP and TCP on 127.0.0.1 at the time of asking.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var tcp = new TcpListener(IPAddress.Loopback, 0);
            tcp.Start();
            var port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}
