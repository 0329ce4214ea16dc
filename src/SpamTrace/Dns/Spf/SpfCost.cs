using SpamTrace.Dns.Resolving;

namespace SpamTrace.Dns.Spf;

/// <summary>
/// What a domain's SPF record costs when every branch is followed (what receivers pay when nothing matches
/// early): DNS-querying terms, void lookups, include loops, and the records met on the way.
/// </summary>
public sealed record SpfCost(int Lookups, int VoidLookups, IReadOnlyList<string> Problems, IReadOnlyList<string> Records);

/// <summary>Walks a record's includes and redirect without an address to match, counting as RFC 7208 4.6.4 does.</summary>
public static class SpfCostWalker
{
    private const int MaxDepth = 20;

    public static async Task<SpfCost> WalkAsync(IDnsResolver resolver, string domain, CancellationToken cancellationToken = default)
    {
        var state = new State(resolver, cancellationToken);
        await state.WalkAsync(DomainNames.Normalize(domain), [], 0).ConfigureAwait(false);
        return new SpfCost(state.Lookups, state.Voids, state.Problems, state.Records);
    }

    private sealed class State(IDnsResolver resolver, CancellationToken cancellationToken)
    {
        public int Lookups { get; private set; }
        public int Voids { get; private set; }
        public List<string> Problems { get; } = [];
        public List<string> Records { get; } = [];

        public async Task WalkAsync(string domain, List<string> path, int depth)
        {
            if (path.Contains(domain))
            {
                Problems.Add($"include loop: {string.Join(" -> ", path)} -> {domain}");
                return;
            }
            if (depth > MaxDepth)
            {
                Problems.Add($"includes nested deeper than {MaxDepth} at {domain}");
                return;
            }
            var answer = await resolver.QueryAsync(domain, DnsQueryType.Txt, cancellationToken).ConfigureAwait(false);
            var records = answer.Texts.Where(SpfRecord.IsSpfRecord).ToList();
            if (answer.IsFailure)
            {
                Problems.Add($"{domain}: TXT lookup failed ({answer.Error ?? answer.Status.ToString()})");
                return;
            }
            if (records.Count != 1)
            {
                if (path.Count > 0)
                {
                    Problems.Add(records.Count == 0 ? $"{domain} (included by {path[^1]}) publishes no SPF record" : $"{domain} publishes {records.Count} SPF records");
                }
                return;
            }
            Records.Add($"{domain}: {records[0]}");
            var parsed = SpfParser.Parse(records[0]);
            if (parsed.Record is not { } record)
            {
                Problems.Add($"{domain}: {parsed.Error}");
                return;
            }
            var inner = new List<string>(path) { domain };
            foreach (var mechanism in record.Mechanisms.Where(m => m.CostsLookup))
            {
                Lookups++;
                var target = mechanism.DomainSpec ?? domain;
                if (target.Contains('%'))
                {
                    continue;
                }
                target = DomainNames.Normalize(target);
                switch (mechanism.Kind)
                {
                    case SpfMechanismKind.Include:
                        await WalkAsync(target, inner, depth + 1).ConfigureAwait(false);
                        break;
                    case SpfMechanismKind.A:
                        await CountVoidAsync(target, DnsQueryType.A, DnsQueryType.Aaaa).ConfigureAwait(false);
                        break;
                    case SpfMechanismKind.Mx:
                        await CountVoidAsync(target, DnsQueryType.Mx).ConfigureAwait(false);
                        break;
                    case SpfMechanismKind.Exists:
                        await CountVoidAsync(target, DnsQueryType.A).ConfigureAwait(false);
                        break;
                    case SpfMechanismKind.Ptr:
                        Problems.Add($"{domain}: '{mechanism.Text}': ptr is slow and unreliable, RFC 7208 5.5 says do not use it");
                        break;
                }
            }
            if (record.Redirect is { } redirect && !record.Mechanisms.Any(m => m.Kind == SpfMechanismKind.All))
            {
                Lookups++;
                if (!redirect.Contains('%'))
                {
                    await WalkAsync(DomainNames.Normalize(redirect), inner, depth + 1).ConfigureAwait(false);
                }
            }
        }

        private async Task CountVoidAsync(string name, params DnsQueryType[] types)
        {
            var empty = true;
            foreach (var type in types)
            {
                var answer = await resolver.QueryAsync(name, type, cancellationToken).ConfigureAwait(false);
                empty &= answer.IsEmpty;
            }
            if (empty)
            {
                Voids++;
            }
        }
    }
}
