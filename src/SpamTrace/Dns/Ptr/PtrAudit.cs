using System.Net;
using System.Net.Sockets;
using SpamTrace.Audit.Findings;
using SpamTrace.Common;
using SpamTrace.Dns.Discovery;
using SpamTrace.Dns.Resolving;

namespace SpamTrace.Dns.Ptr;

/// <summary>
/// Each outbound address has a PTR that resolves back to it (FCrDNS), is not a generic pool name, and the HELO
/// name resolves to the address and is the PTR name: what Gmail and Microsoft require of a sending server.
/// </summary>
public sealed class PtrAudit(IDnsResolver resolver)
{
    public async Task<DnsCheckOutput> CheckAsync(IPAddress ip, string? helo, CancellationToken cancellationToken = default)
    {
        var output = new DnsCheckOutput();
        var subject = ip.ToString();
        var reverse = DomainNames.ReverseName(ip);
        var v6 = ip.AddressFamily == AddressFamily.InterNetworkV6;
        var ptr = await resolver.QueryAsync(reverse, DnsQueryType.Ptr, cancellationToken).ConfigureAwait(false);
        var addressType = v6 ? DnsQueryType.Aaaa : DnsQueryType.A;
        var validated = new List<string>();
        if (ptr.IsFailure)
        {
            output.Unchecked("ptr", subject, $"PTR {reverse}: {ptr.Error ?? ptr.Status.ToString()}");
        }
        else if (ptr.IsEmpty)
        {
            output.Add(new AuditFinding
            {
                Id = "dns.ptr.missing",
                Severity = AuditSeverity.High,
                Title = $"{ip} has no PTR record",
                Evidence = [new AuditEvidence($"PTR {reverse}", ptr.Status == DnsStatus.NxDomain ? "NXDOMAIN" : "no PTR")],
                Why = v6
                    ? "Gmail refuses mail over IPv6 from addresses without a PTR (550-5.7.1 'does not meet IPv6 sending guidelines'); Microsoft and Yahoo score it as spam."
                    : "Gmail, Microsoft and most receivers refuse or spam-folder mail from addresses without reverse DNS.",
                Fix = helo is null ? [] : [$"{reverse}. IN PTR {helo}."],
                Note = $"The owner of the address (your hosting provider or ISP) sets the PTR: ask them, or use their control panel, to set {ip} -> {helo ?? "your server's HELO name"}."
                    + (v6 ? " Or stop sending over IPv6: postconf -e 'smtp_address_preference = ipv4' (or inet_protocols = ipv4)." : ""),
                Links = [DnsLinks.GmailGuidelines, DnsLinks.MicrosoftSnds],
            }, "ptr", subject);
        }
        else
        {
            var names = ptr.Texts.Select(DomainNames.Normalize).Distinct().ToList();
            foreach (var name in names.Take(10))
            {
                var forward = await resolver.QueryAsync(name, addressType, cancellationToken).ConfigureAwait(false);
                if (forward.Addresses.Any(a => a.Equals(ip)))
                {
                    validated.Add(name);
                }
                else if (forward.IsFailure)
                {
                    output.Unchecked("ptr", name, $"{addressType} {name}: {forward.Error ?? forward.Status.ToString()}");
                }
            }
            if (validated.Count == 0 && !output.Rows.Any(r => r.Status == "unchecked"))
            {
                output.Add(new AuditFinding
                {
                    Id = "dns.ptr.fcrdns",
                    Severity = AuditSeverity.High,
                    Title = $"{ip}'s PTR {string.Join(", ", names)} does not resolve back to {ip}",
                    Evidence = [new AuditEvidence($"PTR {reverse}", string.Join(", ", names)), .. names.Select(n => new AuditEvidence($"{addressType} {n}", "does not contain " + ip))],
                    Why = "Forward-confirmed reverse DNS fails: Gmail and Microsoft treat the sender as unidentified and refuse or spam-folder its mail.",
                    Fix = [$"{names[0]}. IN {(v6 ? "AAAA" : "A")} {ip}"],
                    Note = $"Publish the address record above in {names[0]}'s zone, or have the provider point the PTR to a name that resolves to {ip}.",
                    Links = [DnsLinks.GmailGuidelines],
                }, "ptr", subject);
            }
            foreach (var name in names)
            {
                if (GenericPtr.Reason(name, ip) is { } reason)
                {
                    output.Add(new AuditFinding
                    {
                        Id = "dns.ptr.generic",
                        Severity = AuditSeverity.Medium,
                        Title = $"{ip}'s PTR {name} looks like a dynamic or pool address ({reason})",
                        Evidence = [new AuditEvidence($"PTR {reverse}", name)],
                        Why = "Receivers and Spamhaus PBL treat generic reverse names as end-user connections that should not send mail directly.",
                        Note = $"Ask the provider to set the PTR of {ip} to your server's name ({helo ?? "its HELO name"}), or relay through the provider's smarthost.",
                        Links = [DnsLinks.SpamhausLookup],
                    }, "ptr", subject);
                }
            }
            if (validated.Count > 0 && !output.Findings.Any())
            {
                output.Row("ptr", subject, "ok", $"{string.Join(", ", validated)} (resolves back)");
            }
        }
        await CheckHeloAsync(ip, helo, validated, output, cancellationToken).ConfigureAwait(false);
        return output;
    }

    private async Task CheckHeloAsync(IPAddress ip, string? helo, List<string> ptrNames, DnsCheckOutput output, CancellationToken cancellationToken)
    {
        if (helo is null)
        {
            return;
        }
        var subject = $"HELO {helo} from {ip}";
        var name = DomainNames.Normalize(helo);
        var fix = ptrNames.Count > 0 ? $"postconf -e {ShellQuote.Quote("smtp_helo_name = " + ptrNames[0])}" : null;
        if (!DomainNames.IsMultiLabel(name) || DnsTargets.IsLocalOnly(name))
        {
            output.Add(new AuditFinding
            {
                Id = "dns.helo.not-fqdn",
                Severity = AuditSeverity.High,
                Title = $"the HELO name {helo} is not a public fully-qualified domain name",
                Evidence = [new AuditEvidence("smtp_helo_name", helo)],
                Why = "Receivers refuse a HELO that is not a resolvable FQDN (reject_non_fqdn_helo_hostname, Gmail's and Microsoft's rules).",
                Fix = fix is null ? [] : [fix, "postfix reload"],
                Note = fix is null ? "Set smtp_helo_name (or myhostname) to a name with an A record pointing to this server and the same PTR." : null,
                Links = [DnsLinks.GmailGuidelines],
            }, "helo", subject);
            return;
        }
        var type = ip.AddressFamily == AddressFamily.InterNetworkV6 ? DnsQueryType.Aaaa : DnsQueryType.A;
        var forward = await resolver.QueryAsync(name, type, cancellationToken).ConfigureAwait(false);
        if (forward.IsFailure)
        {
            output.Unchecked("helo", subject, $"{type} {name}: {forward.Error ?? forward.Status.ToString()}");
            return;
        }
        var found = false;
        if (!forward.Addresses.Any(a => a.Equals(ip)))
        {
            found = true;
            output.Add(new AuditFinding
            {
                Id = "dns.helo.unresolved",
                Severity = AuditSeverity.High,
                Title = $"the HELO name {helo} does not resolve to {ip}",
                Evidence = [new AuditEvidence($"{type} {name}", forward.IsEmpty ? forward.Status == DnsStatus.NxDomain ? "NXDOMAIN" : "no record" : string.Join(", ", forward.Addresses))],
                Why = "Receivers check that the HELO name points to the connecting address; a mismatch scores as forged and Microsoft and Gmail refuse it with PTR/HELO errors.",
                Fix = fix is not null && ptrNames[0] != name ? [fix, "postfix reload"] : [$"{name}. IN {(type == DnsQueryType.A ? "A" : "AAAA")} {ip}"],
                Links = [DnsLinks.GmailGuidelines],
            }, "helo", subject);
        }
        if (ptrNames.Count > 0 && !ptrNames.Contains(name))
        {
            found = true;
            output.Add(new AuditFinding
            {
                Id = "dns.helo.ptr-mismatch",
                Severity = AuditSeverity.Medium,
                Title = $"the HELO name {helo} is not {ip}'s PTR name ({string.Join(", ", ptrNames)})",
                Evidence = [new AuditEvidence("HELO", helo), new AuditEvidence($"PTR {DomainNames.ReverseName(ip)}", string.Join(", ", ptrNames))],
                Why = "Gmail and Microsoft expect the HELO name, the PTR and the forward record to agree; a mismatch raises the spam score of every message.",
                Fix = fix is null ? [] : [fix, "postfix reload"],
                Note = $"Or have the provider set the PTR of {ip} to {helo} (which must then resolve to {ip}).",
                Links = [DnsLinks.GmailGuidelines, DnsLinks.MicrosoftSnds],
            }, "helo", subject);
        }
        if (!found)
        {
            output.Row("helo", subject, "ok", ptrNames.Count > 0 ? "resolves to the address and is its PTR name" : "resolves to the address");
        }
    }
}
