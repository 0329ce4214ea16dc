using System.Net;
using System.Net.Sockets;
using SpamTrace.Audit.Findings;
using SpamTrace.Dns.Resolving;

namespace SpamTrace.Dns.Blocklists;

/// <summary>
/// The outbound addresses against the IP lists and DNSWL, the sending domains against the domain lists, all
/// queries in parallel. An error code or a failed query is "could not check", never a listing.
/// </summary>
public sealed class BlocklistAudit(IDnsResolver resolver, IReadOnlyList<Blocklist>? lists = null)
{
    private readonly IReadOnlyList<Blocklist> _lists = lists ?? BlocklistCatalog.Default;

    public async Task<DnsCheckOutput> CheckAsync(IReadOnlyList<IPAddress> addresses, IReadOnlyList<string> domains, CancellationToken cancellationToken = default)
    {
        var queries = new List<(Blocklist List, string Subject, string Name)>();
        foreach (var list in _lists)
        {
            if (list.Query == BlocklistQuery.Domain)
            {
                queries.AddRange(domains.Select(d => (list, d, $"{d}.{list.Zone}")));
            }
            else
            {
                queries.AddRange(addresses
                    .Where(a => a.AddressFamily == AddressFamily.InterNetwork || list.Query == BlocklistQuery.Ip46)
                    .Select(a => (list, a.ToString(), $"{DomainNames.ReversePrefix(a)}.{list.Zone}")));
            }
        }
        var answers = await Task.WhenAll(queries.Select(q => resolver.QueryAsync(q.Name, DnsQueryType.A, cancellationToken))).ConfigureAwait(false);
        var output = new DnsCheckOutput();
        for (var i = 0; i < queries.Count; i++)
        {
            await ReportAsync(queries[i].List, queries[i].Subject, queries[i].Name, answers[i], output, cancellationToken).ConfigureAwait(false);
        }
        return output;
    }

    private async Task ReportAsync(Blocklist list, string subject, string name, DnsAnswer answer, DnsCheckOutput output, CancellationToken cancellationToken)
    {
        var check = list.Query == BlocklistQuery.Allow ? "dnswl" : "blocklist";
        if (answer.IsFailure)
        {
            output.Unchecked(check, $"{subject} on {list.Name}", $"A {name}: {answer.Error ?? answer.Status.ToString()}");
            return;
        }
        if (answer.IsEmpty)
        {
            if (list.Query == BlocklistQuery.Allow)
            {
                output.Add(new AuditFinding
                {
                    Id = "dns.dnswl.not-listed",
                    Severity = AuditSeverity.Info,
                    Title = $"{subject} is not on {list.Name}",
                    Evidence = [new AuditEvidence($"A {name}", "NXDOMAIN")],
                    Why = "A DNSWL entry lowers the spam score at receivers using SpamAssassin and rspamd; once the server sends clean mail again, registering it helps its reputation.",
                    Note = $"Register the server at {list.DelistPage} (free for most senders).",
                    Links = [list.DelistPage],
                }, check, $"{subject} on {list.Name}");
            }
            else
            {
                output.Row(check, $"{subject} on {list.Name}", "ok", "not listed");
            }
            return;
        }
        var meanings = answer.Addresses.SelectMany(a => BlocklistAnswer.Interpret(list, a).Select(m => (Code: a, Meaning: m))).ToList();
        foreach (var (code, meaning) in meanings.Where(m => m.Meaning.IsError))
        {
            output.Add(new AuditFinding
            {
                Id = $"dns.{check}.unchecked",
                Severity = AuditSeverity.Low,
                Title = $"could not check {subject} on {list.Name}: {meaning.Meaning}",
                Evidence = [new AuditEvidence($"A {name}", code.ToString())],
                Why = "This answer is an error code, not a listing: the list refused to answer this resolver, so nothing is known.",
                Note = "Use your own resolver (a local unbound or bind, not 8.8.8.8/1.1.1.1 or the provider's shared one): --resolver HOST[:PORT].",
                Links = [list.LookupPage],
            }, check, $"{subject} on {list.Name}");
        }
        var listings = meanings.Where(m => m.Meaning.IsListing).ToList();
        if (listings.Count == 0)
        {
            return;
        }
        if (list.Query == BlocklistQuery.Allow)
        {
            output.Add(new AuditFinding
            {
                Id = "dns.dnswl.listed",
                Severity = AuditSeverity.Info,
                Title = $"{subject} is on {list.Name}: {listings[0].Meaning.Meaning}",
                Evidence = listings.Select(l => new AuditEvidence($"A {name}", l.Code.ToString())).ToList(),
                Why = "Receivers give allowlisted senders a lower spam score; a spam run can get the entry lowered or removed.",
                Links = [list.LookupPage],
            }, check, $"{subject} on {list.Name}");
            return;
        }
        var reason = await resolver.QueryAsync(name, DnsQueryType.Txt, cancellationToken).ConfigureAwait(false);
        var evidence = listings.Select(l => new AuditEvidence($"A {name}", $"{l.Code}: {l.Meaning.Meaning}")).ToList();
        if (reason.Status == DnsStatus.Ok)
        {
            evidence.Add(new AuditEvidence($"TXT {name}", string.Join(" ", reason.Texts)));
        }
        output.Add(new AuditFinding
        {
            Id = $"dns.blocklist.{list.Id}",
            Severity = listings.Max(l => l.Meaning.Severity),
            Title = $"{subject} is listed on {list.Name}: {string.Join("; ", listings.Select(l => l.Meaning.Meaning).Distinct())}",
            Evidence = evidence,
            Why = "Receivers using this list refuse or spam-folder this server's mail.",
            Note = $"Stop the source first (spamtrace diagnose, spamtrace contain), then request removal at {list.DelistPage}; then watch Microsoft SNDS, Google Postmaster Tools and Yahoo's sender hub.",
            Links = [list.DelistPage, list.LookupPage, DnsLinks.MicrosoftSnds, DnsLinks.GooglePostmaster, DnsLinks.YahooSenderHub],
        }, check, $"{subject} on {list.Name}");
    }
}
