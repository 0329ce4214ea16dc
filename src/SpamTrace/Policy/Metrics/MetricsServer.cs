using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace SpamTrace.Policy.Metrics;

/// <summary>
/// A minimal HTTP/1.0 responder for Prometheus scrapes (GET /metrics), on loopback by default. Deliberately tiny:
/// one request per connection, no keep-alive, nothing else served.
/// </summary>
internal sealed class MetricsServer(PolicyMetrics metrics, IPEndPoint endpoint, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Socket? _listener;
    private Task _loop = Task.CompletedTask;

    public IPEndPoint? EndPoint { get; private set; }

    public void Start()
    {
        _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(endpoint);
        _listener.Listen(64);
        EndPoint = (IPEndPoint)_listener.LocalEndPoint!;
        logger.LogInformation("metrics on http://{EndPoint}/metrics", EndPoint);
        _loop = LoopAsync(_listener);
    }

    private async Task LoopAsync(Socket listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var requestLine = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false) ?? "";
            string? header;
            do
            {
                header = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
            }
            while (!string.IsNullOrEmpty(header));
            var ok = requestLine.StartsWith("GET /metrics ", StringComparison.Ordinal) || requestLine.StartsWith("GET / ", StringComparison.Ordinal);
            var body = ok ? metrics.Render() : "not found\n";
            var head = ok ? "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n" : "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n";
            var bytes = Encoding.UTF8.GetBytes(body);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{head}Content-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"), timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
