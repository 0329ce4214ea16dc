namespace SpamTrace.Policy.Protocol;

/// <summary>
/// One policy delegation request. Only the attributes a decision or an incident needs are materialised as strings;
/// every other attribute of Postfix 2.1 to 3.8 is recognised and skipped without allocation.
/// The instance is reused per connection: <see cref="Reset"/> clears it between requests.
/// </summary>
public sealed class PolicyRequest
{
    /// <summary>True when request=smtpd_access_policy (the only request type Postfix sends).</summary>
    public bool IsAccessPolicy { get; set; }
    public ProtocolState State { get; set; }
    public string? Sender { get; set; }
    public string? Recipient { get; set; }
    public int RecipientCount { get; set; }
    public string? ClientAddress { get; set; }
    public string? ClientName { get; set; }
    public string? HeloName { get; set; }
    public string? SaslUsername { get; set; }
    public string? Instance { get; set; }
    public string? QueueId { get; set; }
    public long Size { get; set; }

    /// <summary>Attributes seen that no Postfix version sends; ignored as the protocol requires.</summary>
    public int UnknownAttributes { get; set; }

    /// <summary>Attributes sent more than once in this request; the last value wins.</summary>
    public int RepeatedAttributes { get; set; }

    /// <summary>Attributes seen, by <see cref="PolicyAttribute"/> bit, to detect repetition.</summary>
    internal ulong SeenMask;

    public void Reset()
    {
        IsAccessPolicy = false;
        State = ProtocolState.Unknown;
        Sender = Recipient = ClientAddress = ClientName = HeloName = SaslUsername = Instance = QueueId = null;
        RecipientCount = 0;
        Size = 0;
        UnknownAttributes = RepeatedAttributes = 0;
        SeenMask = 0;
    }

    public bool HasUser => !string.IsNullOrEmpty(SaslUsername);
}
