namespace SpamTrace.Policy.Limits;

/// <summary>
/// Where the service listens when the config names no address: a unix socket in Postfix's private directory when
/// that directory exists (only Postfix and root can reach it), else loopback TCP.
/// </summary>
public static class ListenerDefaults
{
    public const string PostfixPrivateDir = "/var/spool/postfix/private";
    public const string SocketName = "spamtrace";
    public const string LoopbackTcp = "127.0.0.1:10040";

    public static (string? Unix, string? Tcp) Choose(string? unix, string? tcp, string postfixPrivateDir) =>
        unix is not null || tcp is not null ? (unix, tcp)
        : Directory.Exists(postfixPrivateDir) ? (Path.Combine(postfixPrivateDir, SocketName), null)
        : (null, LoopbackTcp);
}
