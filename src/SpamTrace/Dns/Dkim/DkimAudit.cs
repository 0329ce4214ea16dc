using System.Security.Cryptography;
using SpamTrace.Audit.Findings;
using SpamTrace.Dns.Discovery;
using SpamTrace.Dns.Resolving;
using SpamTrace.Dns.Spf;

namespace SpamTrace.Dns.Dkim;

/// <summary>
/// Each selector's key record: published, parses, key type and size, testing flag, and the same key as the
/// private key the server signs with; when a domain has no signing set up, the commands for the stack found.
/// </summary>
public sealed class DkimAudit(IDnsResolver resolver)
{
    public const int MinimumBits = 1024;
    public const int RecommendedBits = 2048;

    public async Task<DnsCheckOutput> CheckAsync(string domain, IReadOnlyList<DkimSelector> selectors, string? stack, CancellationToken cancellationToken = default)
    {
        var output = new DnsCheckOutput();
        if (selectors.Count == 0)
        {
            output.Add(new AuditFinding
            {
                Id = "dns.dkim.missing",
                Severity = AuditSeverity.High,
                Title = $"no DKIM signing is set up for {domain}",
                Evidence = [new AuditEvidence(domain, stack is null ? "no amavis dkim_key, OpenDKIM KeyTable or Rspamd dkim_signing entry found" : $"{stack} found, with no key for this domain")],
                Why = "Gmail and Yahoo require DKIM for bulk senders and Microsoft for high-volume ones; unsigned mail relies on SPF alone for DMARC and forwarded mail fails.",
                Fix = DkimSetup.Commands(stack, domain, DkimSetup.DefaultSelector),
                Note = $"Then publish the TXT record the last command prints at {DkimSetup.DefaultSelector}._domainkey.{domain}, and check again with --selector {DkimSetup.DefaultSelector}. If another service signs for this domain, give its selector with --selector {domain}:SELECTOR.",
                Links = [DnsLinks.Rfc6376, DnsLinks.GmailGuidelines],
            }, "dkim", domain);
            return output;
        }
        foreach (var selector in selectors)
        {
            await CheckSelectorAsync(selector, output, cancellationToken).ConfigureAwait(false);
        }
        return output;
    }

    private async Task CheckSelectorAsync(DkimSelector selector, DnsCheckOutput output, CancellationToken cancellationToken)
    {
        var name = $"{selector.Selector}._domainkey.{selector.Domain}";
        var privateKey = LoadPrivateKey(selector.KeyPath, out var keyError);
        var publish = privateKey is null ? null : SpfAudit.ZoneLine(name, DkimKeyRecord.RecordFor(privateKey));
        var answer = await resolver.QueryAsync(name, DnsQueryType.Txt, cancellationToken).ConfigureAwait(false);
        if (answer.IsFailure)
        {
            output.Unchecked("dkim", name, answer.Error ?? answer.Status.ToString());
            return;
        }
        var keys = answer.Texts.Where(t => t.Contains("p=", StringComparison.Ordinal)).ToList();
        var evidence = new List<AuditEvidence> { new($"TXT {name}", keys.Count == 0 ? answer.Status == DnsStatus.NxDomain ? "NXDOMAIN" : "no key record" : keys[0]) };
        if (selector.KeyPath is not null)
        {
            evidence.Add(new AuditEvidence(selector.Source, selector.KeyPath + (keyError is null ? "" : $" ({keyError})")));
        }
        if (keys.Count == 0)
        {
            output.Add(new AuditFinding
            {
                Id = "dns.dkim.not-published",
                Severity = AuditSeverity.High,
                Title = $"DKIM selector {selector.Selector} of {selector.Domain} has no key record at {name}",
                Evidence = evidence,
                Why = "Receivers cannot verify the signature: signed mail counts as unsigned (dkim=permerror) and DMARC falls back to SPF.",
                Fix = publish is null ? [] : [publish],
                Note = publish is null ? "Publish the key record your signer prints (amavisd showkeys, opendkim-genkey's .txt, rspamadm dkim_keygen)." : "Publish this TXT record at the domain's DNS provider.",
                Links = [DnsLinks.Rfc6376],
            }, "dkim", name);
            return;
        }
        if (keys.Count > 1)
        {
            output.Add(Finding("dns.dkim.multiple", AuditSeverity.High, $"{name} has {keys.Count} key records", evidence,
                "RFC 6376 3.6.2.2: a verifier may use any of them; with two different keys signatures fail at random.", publish), "dkim", name);
            return;
        }
        var key = DkimKeyRecord.Parse(keys[0]);
        if (key.Error is not null)
        {
            output.Add(Finding("dns.dkim.syntax", AuditSeverity.High, $"{name}: {key.Error}", evidence, "A key record that does not parse makes every signature fail (dkim=permerror).", publish), "dkim", name);
            return;
        }
        if (key.Revoked)
        {
            output.Add(Finding("dns.dkim.revoked", AuditSeverity.High, $"{name} has an empty p= (the key is revoked)", evidence,
                "Signatures with this selector fail; sign with a selector that has a key, or publish the key again.", publish), "dkim", name);
            return;
        }
        var found = false;
        if (key.KeyType == "rsa" && key.Bits < MinimumBits)
        {
            found = true;
            output.Add(Finding("dns.dkim.weak-key", AuditSeverity.High, $"{name}: RSA key of {key.Bits} bits (under {MinimumBits})", evidence,
                "RFC 8301: verifiers must not accept RSA keys under 1024 bits; Gmail treats such signatures as absent.", null, RotationNote(selector)), "dkim", name);
        }
        else if (key.KeyType == "rsa" && key.Bits < RecommendedBits)
        {
            found = true;
            output.Add(Finding("dns.dkim.short-key", AuditSeverity.Medium, $"{name}: RSA key of {key.Bits} bits (2048 recommended)", evidence,
                "1024-bit keys are accepted today but considered weak (RFC 8301 recommends 2048); rotate when convenient.", null, RotationNote(selector)), "dkim", name);
        }
        if (key.Testing)
        {
            found = true;
            output.Add(Finding("dns.dkim.testing", AuditSeverity.Medium, $"{name} has t=y (testing mode)", evidence,
                "RFC 6376 3.6.1: verifiers must treat signatures under a testing key like unsigned mail; remove t=y once signing works.", null), "dkim", name);
        }
        if (privateKey is not null && key.Modulus is not null && !privateKey.ExportParameters(false).Modulus!.AsSpan().SequenceEqual(key.Modulus))
        {
            found = true;
            output.Add(Finding("dns.dkim.key-mismatch", AuditSeverity.Critical, $"{name} publishes a different key than {selector.KeyPath}", evidence,
                "Every message the server signs fails DKIM verification (dkim=fail, body hash ok but signature invalid).", publish), "dkim", name);
        }
        else if (keyError is not null && selector.KeyPath is not null)
        {
            output.Row("dkim", name, "info", $"private key not compared: {keyError}");
        }
        if (!found)
        {
            output.Row("dkim", name, "ok", $"{key.KeyType} {key.Bits} bits{(privateKey is null ? "" : ", matches the private key")}");
        }
    }

    private static AuditFinding Finding(string id, AuditSeverity severity, string title, List<AuditEvidence> evidence, string why, string? publish, string? note = null) => new()
    {
        Id = id,
        Severity = severity,
        Title = title,
        Evidence = evidence,
        Why = why,
        Fix = publish is null ? [] : [publish],
        Note = note ?? (publish is null ? null : "Publish this TXT record (made from the private key the server signs with)."),
        Links = [DnsLinks.Rfc6376],
    };

    private static string RotationNote(DkimSelector selector) =>
        $"Make a 2048-bit key under a new selector, publish it, wait a day, switch the signer to it, then remove {selector.Selector}.";

    private static RSA? LoadPrivateKey(string? path, out string? error)
    {
        error = null;
        if (path is null)
        {
            return null;
        }
        try
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(File.ReadAllText(path));
            return rsa;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            error = ex is FileNotFoundException or DirectoryNotFoundException ? "not found" : ex is UnauthorizedAccessException ? "not readable (run as root)" : "not a PEM RSA private key";
            return null;
        }
    }
}
