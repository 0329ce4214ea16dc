using System.Net;

namespace SpamTrace.Audit.Probe;

/// <summary>What to probe and as whom.</summary>
public sealed record RelayProbeOptions
{
    public const string DefaultHost = "127.0.0.1";
    public const int DefaultPort = 25;
    /// <summary>A recipient outside any domain the probed server could handle; nothing is ever sent to it (no DATA).</summary>
    public const string DefaultTo = "relaytest@nmap.scanme.org";
    /// <summary>TEST-NET-1 (RFC 5737): an Internet address that no mynetworks of a real server contains.</summary>
    public static readonly IPAddress DefaultXclientAddress = IPAddress.Parse("192.0.2.10");

    public string Host { get; init; } = DefaultHost;
    public int Port { get; init; } = DefaultPort;
    /// <summary>The probe sender; null: antispam@ the recipient's domain.</summary>
    public string? From { get; init; }
    public string To { get; init; } = DefaultTo;
    /// <summary>The client address to claim with XCLIENT when the server offers it; null: never use XCLIENT.</summary>
    public IPAddress? XclientAddress { get; init; } = DefaultXclientAddress;
    /// <summary>Per connect, reply and TLS handshake.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Use STARTTLS when offered (port 587 with smtpd_tls_auth_only or encrypt refuses MAIL before it).</summary>
    public bool StartTls { get; init; } = true;
}
