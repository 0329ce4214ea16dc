using System.Security.Cryptography;

namespace SpamTrace.Dns.Dkim;

/// <summary>A DKIM key record (RFC 6376 3.6.1): key type, key bits, testing flag; or why it does not parse.</summary>
public sealed record DkimKeyRecord(string KeyType, byte[] PublicKey, int Bits, bool Testing, bool Revoked, byte[]? Modulus, string? Error)
{
    public static DkimKeyRecord Parse(string text)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var first = true;
        foreach (var part in text.Split(';'))
        {
            var trimmed = part.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }
            var eq = trimmed.IndexOf('=');
            if (eq <= 0)
            {
                return Invalid($"'{trimmed}' is not tag=value");
            }
            var name = trimmed[..eq].Trim();
            if (!tags.TryAdd(name, trimmed[(eq + 1)..].Trim()))
            {
                return Invalid($"tag {name} given twice");
            }
            if (name == "v" && !first)
            {
                return Invalid("v= must be the first tag");
            }
            first = false;
        }
        if (tags.TryGetValue("v", out var version) && version != "DKIM1")
        {
            return Invalid($"v={version} (must be DKIM1)");
        }
        if (!tags.TryGetValue("p", out var p))
        {
            return Invalid("no p= tag (the public key)");
        }
        var keyType = tags.TryGetValue("k", out var k) ? k : "rsa";
        var testing = tags.TryGetValue("t", out var t) && t.Split(':').Any(f => f.Trim() == "y");
        var base64 = string.Concat(p.Where(c => !char.IsWhiteSpace(c)));
        if (base64.Length == 0)
        {
            return new DkimKeyRecord(keyType, [], 0, testing, Revoked: true, null, null);
        }
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            return Invalid("p= is not valid base64");
        }
        if (keyType == "ed25519")
        {
            return key.Length == 32 ? new DkimKeyRecord(keyType, key, 256, testing, false, null, null) : Invalid($"an ed25519 key is 32 bytes, p= has {key.Length}");
        }
        if (keyType != "rsa")
        {
            return Invalid($"unknown key type k={keyType}");
        }
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(key, out _);
        }
        catch (CryptographicException)
        {
            try
            {
                rsa.ImportRSAPublicKey(key, out _);
            }
            catch (CryptographicException)
            {
                return Invalid("p= is not an RSA public key");
            }
        }
        return new DkimKeyRecord(keyType, key, rsa.KeySize, testing, false, rsa.ExportParameters(false).Modulus, null);
    }

    /// <summary>The key record to publish for a private key file (PEM, PKCS#1 or PKCS#8, as amavisd genrsa and opendkim-genkey write).</summary>
    public static string RecordFor(RSA privateKey) => $"v=DKIM1; k=rsa; p={Convert.ToBase64String(privateKey.ExportSubjectPublicKeyInfo())}";

    private static DkimKeyRecord Invalid(string error) => new("rsa", [], 0, false, false, null, error);
}
