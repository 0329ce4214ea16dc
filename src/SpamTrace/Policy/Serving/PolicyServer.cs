using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SpamTrace.Common;
using SpamTrace.Policy.Admin;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Metrics;

namespace SpamTrace.Policy.Serving;

/// <summary>
/// Listens on a unix socket and/or TCP (loopback by default), runs one <see cref="PolicyConnection"/> per client,
/// closes idle and slow connections, and serves the admin socket and metrics endpoint. Usable without the generic host
/// (tests, benchmark); <see cref="PolicyHostedService"/> wraps it for systemd.
/// </summary>
public sealed class PolicyServer : IAsyncDisposable
{
    private readonly PolicyEngine _engine;
    private readonly ILogger _logger;
    private readonly List<Socket> _listeners = [];
    private readonly List<Task> _acceptLoops = [];
    private readonly ConcurrentDictionary<PolicyConnection, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private AdminServer? _admin;
    private MetricsServer? _metrics;
    private Task _sweeper = Task.CompletedTask;
    private readonly List<string> _unixPaths = [];
    private readonly IntervalSummary _refused;

    public PolicyServer(PolicyEngine engine, ILogger logger)
    {
        _engine = engine;
        _logger = logger;
        _refused = new IntervalSummary(TimeSpan.FromMinutes(1), (count, since) =>
            _logger.LogWarning("refused {Count} policy connection(s){Since}: {Max} connections open (listen.maxConnections)",
                count, since == TimeSpan.Zero ? "" : $" in the last {since.TotalSeconds:0} s", _engine.Config.MaxConnections));
    }

    /// <summary>The bound TCP endpoint (useful with port 0), or null without TCP.</summary>
    public IPEndPoint? TcpEndPoint { get; private set; }

    public IPEndPoint? MetricsEndPoint => _metrics?.EndPoint;

    public int OpenConnections => _connections.Count;

    public PolicyEngine Engine => _engine;

    public void Start()
    {
        var config = _engine.Config;
        if (config.UnixSocket is not null)
        {
            var socket = BindUnix(config.UnixSocket, (UnixFileMode)config.UnixSocketMode);
            _listeners.Add(socket);
            _acceptLoops.Add(AcceptLoopAsync(socket, "unix"));
            _logger.LogInformation("policy service listening on unix:{Path}", config.UnixSocket);
        }
        if (config.Tcp is not null)
        {
            var endpoint = IPEndPoint.Parse(config.Tcp);
            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(1024);
            TcpEndPoint = (IPEndPoint)socket.LocalEndPoint!;
            _listeners.Add(socket);
            _acceptLoops.Add(AcceptLoopAsync(socket, "tcp"));
            _logger.LogInformation("policy service listening on inet:{EndPoint}", TcpEndPoint);
        }
        if (config.AdminSocket is not null)
        {
            _admin = new AdminServer(_engine, BindUnix(config.AdminSocket, UnixFileMode.UserRead | UnixFileMode.UserWrite), _logger);
            _admin.Start();
        }
        if (config.Metrics is not null)
        {
            _metrics = new MetricsServer(_engine.Metrics, IPEndPoint.Parse(config.Metrics), _logger);
            _metrics.Start();
        }
        _sweeper = SweepAsync();
    }

    private Socket BindUnix(string path, UnixFileMode mode)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        if (File.Exists(path))
        {
            // A socket left by a previous run; a regular file there is someone else's and stays.
            if (new FileInfo(path).Length > 0)
            {
                throw new IOException($"{path}: exists and is not a socket");
            }
            File.Delete(path);
        }
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
        socket.Listen(1024);
        _unixPaths.Add(path);
        return socket;
    }

    private async Task AcceptLoopAsync(Socket listener, string kind)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                _logger.LogWarning("accept failed on {Kind} listener: {Error}", kind, ex.Message);
                await Task.Delay(50).ConfigureAwait(false);
                continue;
            }
            if (_connections.Count >= _engine.Config.MaxConnections)
            {
                _refused.Record(Environment.TickCount64);
                client.Dispose();
                continue;
            }
            if (kind == "tcp")
            {
                client.NoDelay = true;
            }
            var peer = kind == "tcp" ? client.RemoteEndPoint?.ToString() ?? "tcp" : "unix";
            var connection = new PolicyConnection(client, _engine, _logger, peer);
            _engine.Metrics.ConnectionOpened();
            var task = Task.Run(async () =>
            {
                try
                {
                    await connection.RunAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    _logger.LogError(ex, "policy connection {Peer} failed", peer);
                }
                finally
                {
                    _engine.Metrics.ConnectionClosed();
                    _connections.TryRemove(connection, out _);
                }
            });
            _connections.TryAdd(connection, task);
        }
    }

    /// <summary>Closes connections idle longer than listen.idleTimeout, or stuck inside a request longer than listen.requestTimeout.</summary>
    private async Task SweepAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                SweepOnce(Environment.TickCount64);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal void SweepOnce(long nowTicks)
    {
        _refused.Tick(nowTicks);
        var config = _engine.Config;
        foreach (var connection in _connections.Keys)
        {
            var inside = connection.InsideRequest;
            var elapsed = nowTicks - (inside ? connection.RequestStarted : connection.LastActivity);
            var limit = inside ? config.RequestTimeout : config.IdleTimeout;
            if (elapsed > limit.TotalMilliseconds)
            {
                _logger.LogInformation("closing policy connection {Peer}: {Why}", connection.Peer, connection.InsideRequest ? "request not completed in time" : "idle");
                connection.Abort();
            }
        }
    }

    public async Task StopAsync(TimeSpan grace)
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }
        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        await _sweeper.ConfigureAwait(false);
        // Reads are cancelled; a decision in progress finishes and is answered. Then close what is left.
        var all = Task.WhenAll(_connections.Values);
        if (await Task.WhenAny(all, Task.Delay(grace)).ConfigureAwait(false) != all)
        {
            foreach (var connection in _connections.Keys)
            {
                connection.Abort();
            }
        }
        if (_admin is not null)
        {
            await _admin.DisposeAsync().ConfigureAwait(false);
        }
        if (_metrics is not null)
        {
            await _metrics.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var path in _unixPaths)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
