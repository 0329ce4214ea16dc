using SpamTrace.Audit.Findings;
using SpamTrace.Dns.Resolving;
using SpamTrace.Dns.Spf;

namespace SpamTrace.Dns.Dmarc;

/// <summary>
/// The domain's DMARC record: syntax and tags, the authorisation of external report addresses (RFC 7489 7.1),
/// and whether mail from this server can pass it given the SPF and DKIM results; a record to publish when missing.
/// </summary>
public sealed class DmarcAudit(IDnsResolver resolver)
{
    public async Task<DnsCheckOutput> CheckAsync(string domain, bool spfAligned, bool dkimAligned, CancellationToken cancellationToken = default)
    {
        var output = new DnsCheckOutput();
        var name = "_dmarc." + domain;
        var (answer, source) = await LookupAsync(domain, cancellationToken).ConfigureAwait(false);
        if (answer.IsFailure)
        {
            output.Unchecked("dmarc", name, answer.Error ?? answer.Status.ToString());
            return output;
        }
        var records = answer.Texts.Where(DmarcRecord.IsDmarcRecord).ToList();
        if (records.Count == 0)
        {
            output.Add(new AuditFinding
            {
                Id = "dns.dmarc.missing",
                Severity = AuditSeverity.High,
                Title = $"{domain} publishes no DMARC record",
                Evidence = [new AuditEvidence($"TXT {name}", answer.Status == DnsStatus.NxDomain ? "NXDOMAIN" : "no v=DMARC1 record")],
                Why = "Gmail and Yahoo require a DMARC record (p=none is enough) from bulk senders, and without one nothing stops others from sending as this domain.",
                Fix = [SpfAudit.ZoneLine(name, $"v=DMARC1; p=none; rua=mailto:postmaster@{domain}; adkim=r; aspf=r")],
                Note = "Start with p=none, read the aggregate reports for two to four weeks, then move to p=quarantine and p=reject.",
                Links = [DnsLinks.Rfc7489, DnsLinks.GmailGuidelines, DnsLinks.YahooSenderHub],
            }, "dmarc", domain);
            return output;
        }
        var evidence = new List<AuditEvidence> { new($"TXT {source}", records[0]) };
        if (records.Count > 1)
        {
            output.Add(Finding("dns.dmarc.multiple", AuditSeverity.High, $"{source} publishes {records.Count} DMARC records", evidence,
                "RFC 7489 6.6.3: with more than one record receivers apply no DMARC policy at all.", "Delete all but one."), "dmarc", domain);
            return output;
        }
        var record = DmarcRecord.Parse(records[0]);
        if (record.Error is not null)
        {
            output.Add(new AuditFinding
            {
                Id = "dns.dmarc.syntax",
                Severity = AuditSeverity.High,
                Title = $"{source}: {record.Error}",
                Evidence = evidence,
                Why = "Receivers ignore a DMARC record that does not parse: the domain is unprotected and counts as having no DMARC.",
                Fix = [SpfAudit.ZoneLine(source, $"v=DMARC1; p=none; rua=mailto:postmaster@{domain}")],
                Links = [DnsLinks.Rfc7489],
            }, "dmarc", domain);
            return output;
        }
        var policy = source == name ? record.Policy : record.SubdomainPolicy ?? record.Policy;
        var found = false;
        if (!spfAligned && !dkimAligned)
        {
            found = true;
            output.Add(Finding("dns.dmarc.unaligned", policy == "none" ? AuditSeverity.Medium : AuditSeverity.High,
                $"mail this server sends as {domain} fails DMARC (p={policy}): neither SPF nor DKIM passes for it", evidence,
                policy == "none"
                    ? "With p=none nothing is refused yet, but Gmail and Yahoo count the failures against the domain, and any stricter policy will refuse this server's mail."
                    : $"Receivers {(policy == "reject" ? "refuse" : "quarantine")} mail that passes neither aligned SPF nor aligned DKIM: this server's mail for {domain}.",
                "Fix the SPF and DKIM findings above; one aligned pass is enough."), "dmarc", domain);
        }
        if (policy == "none")
        {
            found = true;
            output.Add(Finding("dns.dmarc.monitoring", AuditSeverity.Low, $"{domain}'s DMARC policy is p=none (monitoring only)", evidence,
                "p=none meets Gmail's and Yahoo's requirement but protects nothing: forged mail as this domain is still delivered.",
                "Once the reports show only your own servers passing, publish p=quarantine, then p=reject."), "dmarc", domain);
        }
        if (record.Percent < 100)
        {
            output.Add(Finding("dns.dmarc.pct", AuditSeverity.Info, $"{domain}'s DMARC policy applies to {record.Percent}% of failing mail", evidence,
                "pct below 100 is for a gradual roll-out; the rest of the failing mail gets the next weaker policy.", null), "dmarc", domain);
        }
        if (record.AggregateReports.Count == 0)
        {
            found = true;
            output.Add(Finding("dns.dmarc.no-rua", AuditSeverity.Low, $"{domain}'s DMARC record asks for no aggregate reports (rua=)", evidence,
                "Without reports you cannot see who sends as the domain, nor whether this server passes at receivers.",
                $"Add rua=mailto:postmaster@{domain} (or a report service's address)."), "dmarc", domain);
        }
        await CheckReportAuthorisationAsync(domain, record, evidence, output, cancellationToken).ConfigureAwait(false);
        if (!found)
        {
            output.Row("dmarc", domain, "ok", $"p={policy}; {records[0]}");
        }
        return output;
    }

    /// <summary>The record at _dmarc.DOMAIN, else at the organisational domain's (approximated as the last two labels).</summary>
    private async Task<(DnsAnswer Answer, string Source)> LookupAsync(string domain, CancellationToken cancellationToken)
    {
        var name = "_dmarc." + domain;
        var answer = await resolver.QueryAsync(name, DnsQueryType.Txt, cancellationToken).ConfigureAwait(false);
        var organisational = OrganisationalDomain(domain);
        if (answer.IsFailure || answer.Texts.Any(DmarcRecord.IsDmarcRecord) || organisational == domain)
        {
            return (answer, name);
        }
        var parent = await resolver.QueryAsync("_dmarc." + organisational, DnsQueryType.Txt, cancellationToken).ConfigureAwait(false);
        return parent.Texts.Any(DmarcRecord.IsDmarcRecord) ? (parent, "_dmarc." + organisational) : (answer, name);
    }

    private async Task CheckReportAuthorisationAsync(string domain, DmarcRecord record, List<AuditEvidence> evidence, DnsCheckOutput output, CancellationToken cancellationToken)
    {
        foreach (var uri in record.AggregateReports.Concat(record.FailureReports).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var target = DmarcRecord.ReportDomain(uri);
            if (OrganisationalDomain(target) == OrganisationalDomain(domain))
            {
                continue;
            }
            var name = $"{domain}._report._dmarc.{target}";
            var answer = await resolver.QueryAsync(name, DnsQueryType.Txt, cancellationToken).ConfigureAwait(false);
            if (answer.IsFailure)
            {
                output.Unchecked("dmarc", name, answer.Error ?? answer.Status.ToString());
            }
            else if (!answer.Texts.Any(DmarcRecord.IsDmarcRecord))
            {
                output.Add(new AuditFinding
                {
                    Id = "dns.dmarc.rua-unauthorised",
                    Severity = AuditSeverity.Medium,
                    Title = $"{target} has not agreed to receive {domain}'s DMARC reports ({uri})",
                    Evidence = [.. evidence, new AuditEvidence($"TXT {name}", answer.Status == DnsStatus.NxDomain ? "NXDOMAIN" : "no v=DMARC1 record")],
                    Why = "RFC 7489 7.1: receivers send reports to another domain only when it publishes this authorisation record, so these reports are never sent.",
                    Fix = [SpfAudit.ZoneLine(name, "v=DMARC1")],
                    Note = $"The owner of {target} publishes this record (a report service does it when you sign up).",
                    Links = [DnsLinks.Rfc7489],
                }, "dmarc", domain);
            }
        }
    }

    /// <summary>The registrable domain, approximated as the last two labels (three under two-letter second levels such as co.uk).</summary>
    public static string OrganisationalDomain(string domain)
    {
        var labels = DomainNames.Normalize(domain).Split('.');
        var take = labels.Length >= 3 && labels[^1].Length == 2 && labels[^2].Length <= 3 && labels[^2] is "co" or "com" or "org" or "net" or "ac" or "gov" or "edu" or "ne" or "or" ? 3 : 2;
        return string.Join('.', labels.TakeLast(Math.Min(take, labels.Length)));
    }

    private static AuditFinding Finding(string id, AuditSeverity severity, string title, List<AuditEvidence> evidence, string why, string? note) => new()
    {
        Id = id,
        Severity = severity,
        Title = title,
        Evidence = evidence,
        Why = why,
        Note = note,
        Links = [DnsLinks.Rfc7489, DnsLinks.GooglePostmaster, DnsLinks.YahooSenderHub],
    };
}
