using System.Net.Sockets;
using System.Text;

namespace SpamTrace.Policy.Admin;

/// <summary>Talks to a running service's admin socket; null when no service answers there.</summary>
public static class AdminClient
{
    public static async Task<string?> SendAsync(string? socketPath, string command, CancellationToken cancellationToken)
    {
        if (socketPath is null || !File.Exists(socketPath))
        {
            return null;
        }
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // A socket file left by a stopped service: nobody listens.
            return null;
        }
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(command.Replace('\n', ' ') + "\n"), timeout.Token).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false);
    }
}
