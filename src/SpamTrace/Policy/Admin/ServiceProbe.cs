using System.Net;
using System.Net.Sockets;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Admin;

/// <summary>
/// Tells whether a policy service configured by this file is running, by connecting to its policy listener: the
/// admin socket is optional, and without it a running service must not be mistaken for a stopped one (writing to
/// the store of a running embedded service changes nothing it does).
/// </summary>
public static class ServiceProbe
{
    /// <summary>The listener that answered ("unix:/path" or "inet:host:port"), or null when none did.</summary>
    public static string? Listening(PolicyConfig config, TimeSpan? timeout = null)
    {
        var wait = timeout ?? TimeSpan.FromSeconds(1);
        if (config.UnixSocket is { } path && File.Exists(path) && Connects(new UnixDomainSocketEndPoint(path), AddressFamily.Unix, wait))
        {
            return $"unix:{path}";
        }
        if (config.Tcp is { } tcp && IPEndPoint.TryParse(tcp, out var endpoint) && endpoint.Port != 0
            && Connects(endpoint, endpoint.AddressFamily, wait))
        {
            return $"inet:{tcp}";
        }
        return null;
    }

    private static bool Connects(EndPoint endpoint, AddressFamily family, TimeSpan timeout)
    {
        using var socket = new Socket(family, SocketType.Stream, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            socket.ConnectAsync(endpoint, cts.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
