namespace SpamTrace.Forensics;

/// <summary>Who made a message leave the server: the kinds of the JSON schema's culprits[].kind.</summary>
public enum CulpritKind : byte
{
    /// <summary>An authenticated SMTP login (key: the SASL username).</summary>
    Sasl,
    /// <summary>Local submission through sendmail/postdrop (key: the uid).</summary>
    Local,
    /// <summary>An unauthenticated SMTP client relaying out: trusted network or open relay (key: the client IP).</summary>
    Relay,
    /// <summary>Non-delivery and delay notices Postfix generated itself (key: empty); backscatter when sent to forged senders.</summary>
    Bounce,
    /// <summary>Inbound mail forwarded out by aliases or .forward (key: empty).</summary>
    Forward,
    /// <summary>The log does not show how the message entered (cut off at the start of the log).</summary>
    Unknown,
}

/// <summary>One origin of outbound mail: a kind and its key ("sasl:alice@example.com", "local:33", "relay:192.0.2.7", "bounce").</summary>
public readonly record struct OriginId(CulpritKind Kind, string Key)
{
    public string KindName => KindNames[(int)Kind];

    /// <summary>
    /// The key of the one relay origin that counts every unauthenticated client beyond the first
    /// <see cref="DiagnoseObserver.MaxRelayOrigins"/>: an open relay used by a botnet would otherwise cost an origin
    /// (about 2 KB) per client. Not an IP, so nothing treats it as one.
    /// </summary>
    public const string OtherClients = "(other clients)";

    /// <summary>True for the relay origin that stands for the clients beyond the cap.</summary>
    public bool IsOtherClients => Kind == CulpritKind.Relay && Key == OtherClients;

    private static readonly string[] KindNames = ["sasl", "local", "relay", "bounce", "forward", "unknown"];

    public override string ToString() => Key.Length == 0 ? KindName : $"{KindName}:{Key}";
}
