using System.Diagnostics;
using SpamTrace.Audit.Findings;
using SpamTrace.Dns.Blocklists;
using SpamTrace.Dns.Discovery;
using SpamTrace.Dns.Dkim;
using SpamTrace.Dns.Dmarc;
using SpamTrace.Dns.Ptr;
using SpamTrace.Dns.Resolving;
using SpamTrace.Dns.Spf;

namespace SpamTrace.Dns;

/// <summary>What the DNS audit found, its table (section "dns"), and how long it took.</summary>
public sealed record DnsAuditResult(IReadOnlyList<AuditFinding> Findings, AuditSection Section, IReadOnlyList<string> Notes, TimeSpan Elapsed, int Queries);

/// <summary>
/// The DNS audit of a sending server: SPF, DKIM and DMARC of each domain, PTR/FCrDNS/HELO of each address,
/// blocklists and DNSWL, all at once. The config audit includes it through <see cref="AddToAsync"/>.
/// </summary>
public sealed class DnsAudit(IDnsResolver resolver, IReadOnlyList<Blocklist>? blocklists = null)
{
    public async Task<DnsAuditResult> RunAsync(DnsTargets targets, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var cached = resolver as CachingResolver ?? new CachingResolver(resolver);
        await EnsureReachableAsync(cached, targets, cancellationToken).ConfigureAwait(false);
        var addresses = targets.Addresses.Select(a => a.Value).ToList();
        var helo = targets.Helo?.Value;
        var domainTasks = targets.Domains.Select(d => CheckDomainAsync(cached, d.Value, addresses, helo, targets, cancellationToken)).ToList();
        var ptrTasks = addresses.Select(a => new PtrAudit(cached).CheckAsync(a, targets.HeloOf(a)?.Value, cancellationToken)).ToList();
        var blocklistTask = new BlocklistAudit(cached, blocklists).CheckAsync(addresses, targets.Domains.Select(d => d.Value).ToList(), cancellationToken);
        var output = new DnsCheckOutput();
        foreach (var part in await Task.WhenAll(domainTasks).ConfigureAwait(false))
        {
            output.Merge(part);
        }
        foreach (var part in await Task.WhenAll(ptrTasks).ConfigureAwait(false))
        {
            output.Merge(part);
        }
        output.Merge(await blocklistTask.ConfigureAwait(false));
        var notes = new List<string>(targets.Notes);
        if (addresses.Count == 0)
        {
            notes.Add("no outbound address found (smtp_bind_address, refusals in the log): SPF authorisation, PTR and blocklists were not checked; give --ip");
        }
        if (targets.Domains.Count == 0)
        {
            notes.Add("no sending domain found: SPF, DKIM and DMARC were not checked; give --domain");
        }
        var section = new AuditSection("dns", "DNS: SPF, DKIM, DMARC, PTR/HELO, blocklists",
            ["check", "subject", "status", "detail"],
            output.Rows.Select(r => (IReadOnlyList<string>)[r.Check, r.Subject, r.Status, r.Detail]).ToList())
        {
            Note = Describe(targets),
        };
        return new DnsAuditResult(output.Findings, section, notes, clock.Elapsed, cached.Queries);
    }

    /// <summary>
    /// Runs the DNS audit for what <paramref name="targets"/> names and adds its findings, table and notes to a
    /// report (the config audit's, or audit dns's own). Throws <see cref="DnsUnavailableException"/> when no DNS answers.
    /// </summary>
    public static async Task<DnsAuditResult> AddToAsync(AuditReport report, DnsTargets targets, IDnsResolver resolver, CancellationToken cancellationToken = default)
    {
        var result = await new DnsAudit(resolver).RunAsync(targets, cancellationToken).ConfigureAwait(false);
        report.Findings.AddRange(result.Findings);
        report.Sections.Add(result.Section);
        report.Notes.AddRange(result.Notes);
        return result;
    }

    private static async Task<DnsCheckOutput> CheckDomainAsync(IDnsResolver resolver, string domain, List<System.Net.IPAddress> addresses, string? helo, DnsTargets targets, CancellationToken cancellationToken)
    {
        var spfTask = new SpfAudit(resolver).CheckAsync(domain, addresses, helo, cancellationToken);
        var selectors = targets.Selectors.Where(s => s.Domain == domain).ToList();
        var dkimTask = new DkimAudit(resolver).CheckAsync(domain, selectors, targets.DkimStack, cancellationToken);
        var spf = await spfTask.ConfigureAwait(false);
        var dkim = await dkimTask.ConfigureAwait(false);
        var spfAligned = addresses.Count > 0 && spf.Findings.All(f => f.Severity < AuditSeverity.High && !f.Id.EndsWith(".unchecked", StringComparison.Ordinal))
            && spf.Rows.Count(r => r.Status == "ok" && r.Detail.StartsWith("pass", StringComparison.Ordinal)) == addresses.Count;
        var dkimAligned = selectors.Count > 0 && dkim.Findings.All(f => f.Severity < AuditSeverity.High && f.Id != "dns.dkim.testing" && !f.Id.EndsWith(".unchecked", StringComparison.Ordinal));
        var undecided = spf.Findings.Concat(dkim.Findings).Any(f => f.Id.EndsWith(".unchecked", StringComparison.Ordinal));
        var dmarc = await new DmarcAudit(resolver).CheckAsync(domain, spfAligned || undecided || addresses.Count == 0, dkimAligned, cancellationToken).ConfigureAwait(false);
        var output = new DnsCheckOutput();
        output.Merge(spf);
        output.Merge(dkim);
        output.Merge(dmarc);
        return output;
    }

    /// <summary>One query before the checks: when no server answers at all, stop with a clear error instead of reporting every check as failed.</summary>
    private static async Task EnsureReachableAsync(IDnsResolver resolver, DnsTargets targets, CancellationToken cancellationToken)
    {
        var (name, type) = targets.Domains.Count > 0 ? (targets.Domains[0].Value, DnsQueryType.Txt)
            : targets.Addresses.Count > 0 ? (DomainNames.ReverseName(targets.Addresses[0].Value), DnsQueryType.Ptr)
            : targets.Helo is { } h ? (h.Value, DnsQueryType.A) : ("", DnsQueryType.A);
        if (name.Length == 0)
        {
            throw new DnsUnavailableException("nothing to check: no domain, address or HELO name found; give --domain, --ip or --helo (or --config DIR)");
        }
        var answer = await resolver.QueryAsync(name, type, cancellationToken).ConfigureAwait(false);
        var servers = (resolver as CachingResolver)?.Inner is DnsClientResolver real ? string.Join(", ", real.Servers) : "the resolver";
        if (answer.Status == DnsStatus.Timeout)
        {
            throw new DnsUnavailableException($"DNS does not answer: no reply from {servers} for {name}; check /etc/resolv.conf or give --resolver HOST[:PORT]");
        }
        if (answer.Error == DnsClientResolver.RefusedError)
        {
            throw new DnsUnavailableException($"DNS refuses us: {servers} answered REFUSED for {name} (it does not resolve for this host); give --resolver HOST[:PORT]");
        }
    }

    private static string Describe(DnsTargets targets)
    {
        var parts = new List<string>();
        parts.AddRange(targets.Domains.Select(d => $"domain {d.Value} ({d.Source})"));
        parts.AddRange(targets.Addresses.Select(a => $"address {a.Value} ({a.Source})"));
        if (targets.Helo is { } helo)
        {
            parts.Add($"HELO {helo.Value} ({helo.Source})");
        }
        parts.AddRange(targets.HeloByAddress.Select(h => $"HELO {h.Value.Value} from {h.Key} ({h.Value.Source})"));
        parts.AddRange(targets.Selectors.Select(s => $"DKIM {s.Selector}._domainkey.{s.Domain} ({s.Source})"));
        return "Checked: " + string.Join("; ", parts);
    }
}
