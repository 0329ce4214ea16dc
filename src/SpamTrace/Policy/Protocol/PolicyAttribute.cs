using System.Text;

namespace SpamTrace.Policy.Protocol;

/// <summary>Every attribute Postfix 2.1 to 3.8 sends in a policy request (SMTPD_POLICY_README).</summary>
public enum PolicyAttribute : byte
{
    Unknown = 0,
    // Postfix 2.1
    Request, ProtocolState, ProtocolName, HeloName, QueueId, Sender, Recipient, RecipientCount,
    ClientAddress, ClientName, ReverseClientName, Instance,
    // 2.2
    SaslMethod, SaslUsername, SaslSender, Size, CcertSubject, CcertIssuer, CcertFingerprint,
    // 2.3
    EncryptionProtocol, EncryptionCipher, EncryptionKeysize, EtrnDomain,
    // 2.5
    Stress,
    // 2.9
    CcertPubkeyFingerprint,
    // 3.0
    ClientPort,
    // 3.1
    PolicyContext,
    // 3.2
    ServerAddress, ServerPort,
    // 3.8
    CompatibilityLevel, MailVersion,
}

/// <summary>Maps an attribute name (raw bytes) to <see cref="PolicyAttribute"/> without allocating.</summary>
public static class PolicyAttributeNames
{
    private static readonly (byte[] Name, PolicyAttribute Attribute)[][] ByLength = Build();

    private static (byte[], PolicyAttribute)[][] Build()
    {
        var names = new (string, PolicyAttribute)[]
        {
            ("request", PolicyAttribute.Request), ("protocol_state", PolicyAttribute.ProtocolState),
            ("protocol_name", PolicyAttribute.ProtocolName), ("helo_name", PolicyAttribute.HeloName),
            ("queue_id", PolicyAttribute.QueueId), ("sender", PolicyAttribute.Sender),
            ("recipient", PolicyAttribute.Recipient), ("recipient_count", PolicyAttribute.RecipientCount),
            ("client_address", PolicyAttribute.ClientAddress), ("client_name", PolicyAttribute.ClientName),
            ("reverse_client_name", PolicyAttribute.ReverseClientName), ("instance", PolicyAttribute.Instance),
            ("sasl_method", PolicyAttribute.SaslMethod), ("sasl_username", PolicyAttribute.SaslUsername),
            ("sasl_sender", PolicyAttribute.SaslSender), ("size", PolicyAttribute.Size),
            ("ccert_subject", PolicyAttribute.CcertSubject), ("ccert_issuer", PolicyAttribute.CcertIssuer),
            ("ccert_fingerprint", PolicyAttribute.CcertFingerprint),
            ("encryption_protocol", PolicyAttribute.EncryptionProtocol),
            ("encryption_cipher", PolicyAttribute.EncryptionCipher),
            ("encryption_keysize", PolicyAttribute.EncryptionKeysize), ("etrn_domain", PolicyAttribute.EtrnDomain),
            ("stress", PolicyAttribute.Stress), ("ccert_pubkey_fingerprint", PolicyAttribute.CcertPubkeyFingerprint),
            ("client_port", PolicyAttribute.ClientPort), ("policy_context", PolicyAttribute.PolicyContext),
            ("server_address", PolicyAttribute.ServerAddress), ("server_port", PolicyAttribute.ServerPort),
            ("compatibility_level", PolicyAttribute.CompatibilityLevel), ("mail_version", PolicyAttribute.MailVersion),
        };
        var max = names.Max(n => n.Item1.Length);
        var table = new List<(byte[], PolicyAttribute)>[max + 1];
        foreach (var (name, attribute) in names)
        {
            (table[name.Length] ??= []).Add((Encoding.ASCII.GetBytes(name), attribute));
        }
        return table.Select(l => l?.ToArray() ?? []).ToArray();
    }

    public static PolicyAttribute Lookup(ReadOnlySpan<byte> name)
    {
        if (name.Length >= ByLength.Length)
        {
            return PolicyAttribute.Unknown;
        }
        foreach (var (candidate, attribute) in ByLength[name.Length])
        {
            if (name.SequenceEqual(candidate))
            {
                return attribute;
            }
        }
        return PolicyAttribute.Unknown;
    }
}
