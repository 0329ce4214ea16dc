using System.Net;
using System.Net.Sockets;
using SpamTrace.Audit.Findings;
using SpamTrace.Dns.Resolving;

namespace SpamTrace.Dns.Spf;

/// <summary>
/// Does each sending domain's SPF authorise this server's addresses, at what cost in lookups, and what record
/// to publish when it does not.
/// </summary>
public sealed class SpfAudit(IDnsResolver resolver)
{
    public async Task<DnsCheckOutput> CheckAsync(string domain, IReadOnlyList<IPAddress> addresses, string? helo, CancellationToken cancellationToken = default)
    {
        var output = new DnsCheckOutput();
        var answer = await resolver.QueryAsync(domain, DnsQueryType.Txt, cancellationToken).ConfigureAwait(false);
        if (answer.IsFailure)
        {
            output.Unchecked("spf", domain, $"TXT {domain}: {answer.Error ?? answer.Status.ToString()}");
            return output;
        }
        var records = answer.Texts.Where(SpfRecord.IsSpfRecord).ToList();
        if (records.Count == 0)
        {
            var proposal = Propose(null, addresses);
            output.Add(new AuditFinding
            {
                Id = "dns.spf.missing",
                Severity = AuditSeverity.High,
                Title = $"{domain} publishes no SPF record",
                Evidence = [new AuditEvidence($"TXT {domain}", answer.Status == DnsStatus.NxDomain ? "NXDOMAIN" : "no v=spf1 record")],
                Why = "Gmail, Yahoo and Microsoft require SPF or DKIM on all mail and both for bulk senders; without SPF the domain can be forged and this server's mail is refused or filed as spam.",
                Fix = [ZoneLine(domain, proposal)],
                Note = "Publish this TXT record at the domain's DNS provider; add the ip4:/ip6: of any other service that sends as this domain (newsletter, CRM).",
                Links = [DnsLinks.Rfc7208, DnsLinks.GmailGuidelines],
            }, "spf", domain);
            return output;
        }
        if (records.Count > 1)
        {
            output.Add(new AuditFinding
            {
                Id = "dns.spf.multiple",
                Severity = AuditSeverity.High,
                Title = $"{domain} publishes {records.Count} SPF records",
                Evidence = records.Select(r => new AuditEvidence($"TXT {domain}", r)).ToList(),
                Why = "RFC 7208 4.5: more than one v=spf1 record is a permerror; receivers treat the domain as having a broken policy.",
                Fix = [ZoneLine(domain, Propose(records[0], addresses))],
                Note = "Delete all but one record and merge their terms into it.",
                Links = [DnsLinks.Rfc7208],
            }, "spf", domain);
            return output;
        }
        var record = records[0];
        var cost = await SpfCostWalker.WalkAsync(resolver, domain, cancellationToken).ConfigureAwait(false);
        var evaluator = new SpfEvaluator(resolver);
        var unauthorised = new List<(IPAddress Address, SpfOutcome Outcome)>();
        foreach (var address in addresses)
        {
            var outcome = await evaluator.CheckHostAsync(address, domain, "postmaster@" + domain, helo ?? domain, cancellationToken).ConfigureAwait(false);
            if (outcome.Result == SpfResult.TempError)
            {
                output.Unchecked("spf", $"{domain} for {address}", outcome.Problem ?? "temperror");
            }
            else if (outcome.Result == SpfResult.PermError)
            {
                output.Add(PermError(domain, record, address, outcome, cost, addresses), "spf", $"{domain} for {address}");
            }
            else if (outcome.Result != SpfResult.Pass)
            {
                unauthorised.Add((address, outcome));
            }
            else
            {
                output.Row("spf", $"{domain} for {address}", "ok", $"pass ({outcome.MatchedTerm} in {outcome.MatchedDomain}); {cost.Lookups} lookups");
            }
        }
        if (unauthorised.Count > 0)
        {
            output.Add(new AuditFinding
            {
                Id = "dns.spf.not-authorised",
                Severity = AuditSeverity.High,
                Title = $"{domain}'s SPF does not authorise {string.Join(", ", unauthorised.Select(u => u.Address))}",
                Evidence = [new AuditEvidence($"TXT {domain}", record), .. unauthorised.Select(u => new AuditEvidence($"check_host({u.Address}, {domain})", $"{u.Outcome.Result.Name()}{(u.Outcome.MatchedTerm is null ? "" : $" at '{u.Outcome.MatchedTerm}'")}"))],
                Why = "Mail this server sends as the domain fails SPF at the receiver: with DMARC it is refused or quarantined unless DKIM aligns.",
                Fix = [ZoneLine(domain, Propose(record, unauthorised.Select(u => u.Address).ToList()))],
                Note = cost.Lookups > 10 ? $"The record already costs {cost.Lookups} lookups: replace includes by the ip4:/ip6: ranges they publish until it costs 10 or fewer." : null,
                Links = [DnsLinks.Rfc7208],
            }, "spf", domain);
        }
        AddCostFindings(domain, record, cost, output);
        return output;
    }

    /// <summary>The record to publish: <paramref name="existing"/> with the missing addresses first, or a new one.</summary>
    public static string Propose(string? existing, IReadOnlyList<IPAddress> addresses)
    {
        var terms = addresses.Select(a => a.AddressFamily == AddressFamily.InterNetwork ? $"ip4:{a}" : $"ip6:{a}").ToList();
        if (existing is null)
        {
            return terms.Count == 0 ? "v=spf1 mx ~all" : $"v=spf1 {string.Join(' ', terms)} ~all";
        }
        var rest = existing[6..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => !terms.Contains(t, StringComparer.OrdinalIgnoreCase));
        return string.Join(' ', new[] { "v=spf1" }.Concat(terms).Concat(rest));
    }

    /// <summary>The zone-file line publishing <paramref name="text"/> at <paramref name="name"/>.</summary>
    public static string ZoneLine(string name, string text)
    {
        var parts = new List<string>();
        for (var i = 0; i < text.Length; i += 255)
        {
            parts.Add("\"" + text.Substring(i, Math.Min(255, text.Length - i)).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"");
        }
        return $"{name}. IN TXT {string.Join(' ', parts)}";
    }

    private static AuditFinding PermError(string domain, string record, IPAddress address, SpfOutcome outcome, SpfCost cost, IReadOnlyList<IPAddress> addresses)
    {
        var limit = outcome.Problem?.Contains("DNS lookups", StringComparison.Ordinal) == true;
        var loop = cost.Problems.FirstOrDefault(p => p.StartsWith("include loop", StringComparison.Ordinal));
        return new AuditFinding
        {
            Id = loop is not null ? "dns.spf.loop" : limit ? "dns.spf.too-many-lookups" : outcome.Problem?.Contains("void", StringComparison.Ordinal) == true ? "dns.spf.void-lookups" : "dns.spf.permerror",
            Severity = AuditSeverity.High,
            Title = $"{domain}'s SPF is a permerror for {address}: {loop ?? outcome.Problem}",
            Evidence = [new AuditEvidence($"TXT {domain}", record), new AuditEvidence("evaluation", $"{outcome.Lookups} lookups, {outcome.VoidLookups} void"), .. cost.Problems.Select(p => new AuditEvidence("record", p))],
            Why = "A permerror is a broken policy: receivers that enforce DMARC treat it as an SPF failure, so the server's mail depends on DKIM alone.",
            Fix = [ZoneLine(domain, Propose(record, addresses))],
            Note = limit || loop is not null
                ? $"Every branch costs {cost.Lookups} lookups (limit 10): remove loops and unused includes, or replace includes by the ip4:/ip6: ranges they publish."
                : "Fix the term named above; each term is checked by RFC 7208's grammar.",
            Links = [DnsLinks.Rfc7208],
        };
    }

    private static void AddCostFindings(string domain, string record, SpfCost cost, DnsCheckOutput output)
    {
        if (cost.Lookups > 10 && !output.Findings.Any(f => f.Id == "dns.spf.too-many-lookups" || f.Id == "dns.spf.loop"))
        {
            output.Add(new AuditFinding
            {
                Id = "dns.spf.too-many-lookups",
                Severity = AuditSeverity.Medium,
                Title = $"{domain}'s SPF costs {cost.Lookups} DNS lookups when nothing matches early (limit 10)",
                Evidence = [new AuditEvidence($"TXT {domain}", record), .. cost.Records.Skip(1).Select(r => new AuditEvidence("include", r))],
                Why = "Past 10 lookups SPF is a permerror: senders whose address matches late in the record fail at every receiver.",
                Note = "Replace includes by the ip4:/ip6: ranges they publish, or drop services that no longer send as this domain.",
                Links = [DnsLinks.Rfc7208],
            }, "spf", domain);
        }
        if (cost.VoidLookups > 2 && !output.Findings.Any(f => f.Id == "dns.spf.void-lookups"))
        {
            output.Add(new AuditFinding
            {
                Id = "dns.spf.void-lookups",
                Severity = AuditSeverity.Medium,
                Title = $"{domain}'s SPF names {cost.VoidLookups} targets that do not exist (limit 2)",
                Evidence = [new AuditEvidence($"TXT {domain}", record)],
                Why = "RFC 7208 4.6.4: more than two lookups answering NXDOMAIN or nothing make SPF a permerror.",
                Note = "Remove the a:, mx:, exists: or include: terms whose names no longer exist.",
                Links = [DnsLinks.Rfc7208],
            }, "spf", domain);
        }
        foreach (var problem in cost.Problems.Where(p => p.Contains("ptr is slow", StringComparison.Ordinal)))
        {
            output.Add(new AuditFinding
            {
                Id = "dns.spf.ptr",
                Severity = AuditSeverity.Low,
                Title = $"{domain}'s SPF uses the ptr mechanism",
                Evidence = [new AuditEvidence("record", problem)],
                Why = "RFC 7208 5.5: ptr is slow, puts load on the reverse zones and some receivers skip it; use ip4:/ip6: or a: instead.",
                Links = [DnsLinks.Rfc7208],
            }, "spf", domain);
        }
        if (!output.Findings.Any(f => f.Severity >= AuditSeverity.Medium))
        {
            output.Row("spf", domain, "ok", $"{cost.Lookups} lookups, {cost.VoidLookups} void: {record}");
        }
    }
}
