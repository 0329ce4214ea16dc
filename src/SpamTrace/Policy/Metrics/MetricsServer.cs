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

    /// <summary>A scrape's request line and headers together; a client sending more is cut off.</summary>
    internal const int MaxRequestBytes = 8192;

    /// <summary>Scrapes served at once; more are closed at accept. Prometheus needs one.</summary>
    internal const int MaxConcurrent = 8;

    /// <summary>The whole exchange, from accept to the last byte written.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private int _active;

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
            if (Interlocked.Increment(ref _active) > MaxConcurrent)
            {
                Interlocked.Decrement(ref _active);
                client.Dispose();
                continue;
            }
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeAsync(client).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Decrement(ref _active);
                }
            });
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            var requestLine = await ReadRequestLineAsync(stream, timeout.Token).ConfigureAwait(false);
            if (requestLine is null)
            {
                return;
            }
            var ok = requestLine.StartsWith("GET /metrics ", StringComparison.Ordinal) || requestLine.StartsWith("GET / ", StringComparison.Ordinal);
            var body = ok ? metrics.Render() : "not found\n";
            var head = ok ? "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n" : "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n";
            var bytes = Encoding.UTF8.GetBytes(body);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{head}Content-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"), timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Reads up to the blank line that ends the headers, at most <see cref="MaxRequestBytes"/>, and returns the
    /// request line; null when the client sent too much or closed early (the connection is then just closed).
    /// </summary>
    internal static async Task<string?> ReadRequestLineAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxRequestBytes];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }
            length += read;
            var span = buffer.AsSpan(0, length);
            if (span.IndexOf("\r\n\r\n"u8) >= 0 || span.IndexOf("\n\n"u8) >= 0)
            {
                var end = span.IndexOfAny((byte)'\r', (byte)'\n');
                return Encoding.ASCII.GetString(span[..end]);
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
