using System.Net;
using SpamTrace.Policy.Protocol;

namespace SpamTrace.Policy.Limits;

/// <summary>Extracts the value a limit counts per from a request; null when the request has none (the limit does not apply).</summary>
public static class KeyValues
{
    public static string? For(LimitRule rule, PolicyRequest request) => rule.Key switch
    {
        LimitKey.SaslUsername => request.SaslUsername is { Length: > 0 } u ? u.ToLowerInvariant() : null,
        LimitKey.Sender => request.Sender is { Length: > 0 } s ? s.ToLowerInvariant() : null,
        LimitKey.SenderDomain => Domain(request.Sender),
        LimitKey.ClientAddress => request.ClientAddress,
        LimitKey.ClientNetwork => Network(request.ClientAddress, rule.PrefixV4, rule.PrefixV6),
        LimitKey.RecipientDomain => Domain(request.Recipient),
        _ => null,
    };

    public static string? Domain(string? address)
    {
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }
        var at = address.LastIndexOf('@');
        return at < 0 || at == address.Length - 1 ? null : address[(at + 1)..].ToLowerInvariant();
    }

    /// <summary>"203.0.113.0/24" for 203.0.113.9 and prefix 24; null for a missing or unparsable address.</summary>
    public static string? Network(string? address, int prefixV4, int prefixV6)
    {
        if (address is null || !IPAddress.TryParse(address, out var ip))
        {
            return null;
        }
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        var prefix = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? prefixV4 : prefixV6;
        Span<byte> bytes = stackalloc byte[16];
        ip.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }
        return $"{new IPAddress(bytes)}/{prefix}";
    }
}
