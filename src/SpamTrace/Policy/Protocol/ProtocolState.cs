namespace SpamTrace.Policy.Protocol;

/// <summary>The SMTP stage a policy request is sent from (the protocol_state attribute).</summary>
public enum ProtocolState : byte
{
    Unknown,
    Connect,
    Ehlo,
    Helo,
    Mail,
    Rcpt,
    Data,
    EndOfMessage,
    Vrfy,
    Etrn,
}
