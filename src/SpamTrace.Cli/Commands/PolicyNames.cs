using SpamTrace.Policy.Limits;

namespace SpamTrace.Cli.Commands;

/// <summary>What policy check and status print for the config's choices: words, with the config's spelling after them.</summary>
internal static class PolicyNames
{
    public static string Of(LimitKey key) => key switch
    {
        LimitKey.SaslUsername => "SASL login (sasl_username)",
        LimitKey.Sender => "sender address (sender)",
        LimitKey.SenderDomain => "sender domain (sender_domain)",
        LimitKey.ClientAddress => "client IP (client_address)",
        LimitKey.ClientNetwork => "client network (client_network)",
        LimitKey.RecipientDomain => "recipient domain (recipient_domain)",
        _ => key.ToString(),
    };

    public static string Of(LimitCount count) => count switch
    {
        LimitCount.Messages => "messages",
        LimitCount.Recipients => "recipients",
        LimitCount.RecipientsPerMessage => "recipients per message",
        _ => count.ToString(),
    };

    public static string Of(LimitAlgorithm algorithm) => algorithm switch
    {
        LimitAlgorithm.Sliding => "sliding window",
        LimitAlgorithm.Bucket => "token bucket",
        _ => algorithm.ToString(),
    };

    public static string Of(StoreKind kind) => kind switch
    {
        StoreKind.Embedded => "embedded (SQLite)",
        StoreKind.Redis => "Redis",
        _ => kind.ToString(),
    };
}
