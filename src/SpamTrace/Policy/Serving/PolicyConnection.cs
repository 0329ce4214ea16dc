using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Protocol;

namespace SpamTrace.Policy.Serving;

/// <summary>
/// One persistent Postfix connection: read requests with a pipe (bytes may arrive split anywhere), answer each with
/// exactly one reply, close without reply on a protocol error. The server's sweeper closes it when idle or slow.
/// </summary>
internal sealed class PolicyConnection(Socket socket, PolicyEngine engine, ILogger logger, string peer)
{
    private long _lastActivity = Environment.TickCount64;
    private long _requestStarted = Environment.TickCount64;
    private volatile bool _insideRequest;

    public long LastActivity => Interlocked.Read(ref _lastActivity);

    /// <summary>When the first byte of the unfinished request arrived: listen.requestTimeout bounds the whole
    /// request from here, so a client trickling one byte a second cannot keep it open by staying barely active.</summary>
    public long RequestStarted => Interlocked.Read(ref _requestStarted);

    public bool InsideRequest => _insideRequest;

    public string Peer => peer;

    /// <summary>Closing the socket is how a stuck read is ended (timeouts, shutdown).</summary>
    public void Abort()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        socket.Dispose();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var config = engine.Config;
        var stream = new NetworkStream(socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 512, leaveOpen: true));
        var parser = new PolicyRequestParser(config.MaxLineBytes, config.MaxRequestBytes);
        var request = new PolicyRequest();
        var context = new DecisionContext();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var read = await reader.ReadAsync(stopping).ConfigureAwait(false);
                Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
                var buffer = read.Buffer;
                while (true)
                {
                    var status = parser.TryParse(ref buffer, request);
                    if (status == ParseStatus.Complete)
                    {
                        var action = await engine.DecideAsync(request, context, stopping).ConfigureAwait(false);
                        await socket.SendAsync(action.Reply, SocketFlags.None, stopping).ConfigureAwait(false);
                        request.Reset();
                        continue;
                    }
                    if (status == ParseStatus.Error)
                    {
                        engine.Metrics.ProtocolError();
                        logger.LogWarning("policy client {Peer}: protocol error: {Error}; closing without reply", peer, parser.Error);
                        return;
                    }
                    break;
                }
                var inside = parser.InsideRequest || buffer.Length > 0;
                if (inside && !_insideRequest)
                {
                    Interlocked.Exchange(ref _requestStarted, Environment.TickCount64);
                }
                _insideRequest = inside;
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (read.IsCompleted || read.IsCanceled)
                {
                    if (_insideRequest)
                    {
                        logger.LogInformation("policy client {Peer} closed the connection in the middle of a request", peer);
                    }
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The client vanished, the sweeper closed a stale connection, or the service is stopping.
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
