using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Metrics;
using SpamTrace.Policy.Store;

namespace SpamTrace.Tests.Policy;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>Counts notifications instead of sending them.</summary>
internal sealed class RecordingNotifier : IIncidentNotifier
{
    public List<Incident> Sent { get; } = [];

    public Task<bool> NotifyAsync(Incident incident, NotifyConfig config, CancellationToken cancellationToken)
    {
        lock (Sent)
        {
            Sent.Add(incident);
        }
        return Task.FromResult(true);
    }
}

internal static class PolicyTestSupport
{
    /// <summary>The config as the loader reads it on a host without Postfix (the default listener is loopback TCP).</summary>
    public static PolicyConfig Config(string json, string file = "test.json", string postfixPrivateDir = "/nonexistent/postfix/private") =>
        PolicyConfigLoader.Parse(Encoding.UTF8.GetBytes(json), file, postfixPrivateDir);

    public static PolicyEngine Engine(PolicyConfig config, IPolicyStore store, TimeProvider? time = null, IIncidentNotifier? notifier = null) =>
        new(config, store, notifier ?? new RecordingNotifier(), new PolicyMetrics(), NullLogger.Instance, time);

    /// <summary>A realistic request as Postfix 3.8 sends it.</summary>
    public static string Request(string state, string? user, string client = "192.0.2.10", string instance = "1a2b.3c4d.1",
        string sender = "alice@example.com", string recipient = "bob@example.net", int recipientCount = 0) =>
        $"""
        request=smtpd_access_policy
        protocol_state={state}
        protocol_name=ESMTP
        client_address={client}
        client_name=mail.example.org
        client_port=53211
        reverse_client_name=mail.example.org
        server_address=192.0.2.1
        server_port=587
        helo_name=laptop
        sender={sender}
        recipient={recipient}
        recipient_count={recipientCount}
        queue_id={(state == "END-OF-MESSAGE" ? "4ABC123" : "")}
        instance={instance}
        size=12345
        etrn_domain=
        stress=
        sasl_method={(user is null ? "" : "PLAIN")}
        sasl_username={user ?? ""}
        sasl_sender=
        ccert_subject=
        ccert_issuer=
        ccert_fingerprint=
        ccert_pubkey_fingerprint=
        encryption_protocol=TLSv1.3
        encryption_cipher=TLS_AES_256_GCM_SHA384
        encryption_keysize=256
        policy_context=
        compatibility_level=3.6
        mail_version=3.8.1
        """.Replace("\r\n", "\n") + "\n\n";

    public static async Task<string?> ExchangeAsync(Socket socket, string request)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(request), SocketFlags.None);
        return await ReadReplyAsync(socket);
    }

    /// <summary>Reads one reply ("action=...\n\n"); null when the server closed the connection.</summary>
    public static async Task<string?> ReadReplyAsync(Socket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[1024];
        var received = new StringBuilder();
        while (!received.ToString().EndsWith("\n\n", StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
            {
                return null;
            }
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        var text = received.ToString();
        Assert.StartsWith("action=", text);
        return text[7..^2];
    }

    public static async Task<Socket> ConnectAsync(System.Net.IPEndPoint endpoint)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return socket;
    }

    /// <summary>The repository root (the folder with SpamTrace.slnx), found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SpamTrace.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("SpamTrace.slnx not found above " + AppContext.BaseDirectory);
    }
}
