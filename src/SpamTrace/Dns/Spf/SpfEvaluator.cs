using System.Net;
using System.Net.Sockets;
using SpamTrace.Dns.Resolving;

namespace SpamTrace.Dns.Spf;

/// <summary>
/// RFC 7208's check_host(): every mechanism and modifier, macros, redirect and exp, the lookup and void-lookup
/// limits, permerror and temperror. One instance may run many evaluations at once; each keeps its own counters.
/// </summary>
public sealed class SpfEvaluator(IDnsResolver resolver, SpfOptions? options = null)
{
    private readonly SpfOptions _options = options ?? new SpfOptions();

    /// <summary>
    /// Evaluates <paramref name="domain"/>'s policy for mail from <paramref name="ip"/>. An empty
    /// <paramref name="sender"/> means the null reverse-path: postmaster@<paramref name="helo"/> is used (RFC 7208 2.4).
    /// </summary>
    public async Task<SpfOutcome> CheckHostAsync(IPAddress ip, string domain, string sender, string helo, CancellationToken cancellationToken = default)
    {
        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }
        var at = sender.LastIndexOf('@');
        var local = at < 0 ? sender : sender[..at];
        var senderDomain = at < 0 ? (sender.Length == 0 ? helo : sender) : sender[(at + 1)..];
        if (sender.Length == 0 || at < 0)
        {
            local = "postmaster";
        }
        else if (local.Length == 0)
        {
            local = "postmaster";
        }
        var context = new SpfMacroContext(ip, $"{local}@{senderDomain}", local, senderDomain, domain, helo, _options.Receiver, _options.Clock());
        var run = new Run(resolver, _options, context, cancellationToken);
        if (!DomainNames.IsMultiLabel(domain))
        {
            return run.Outcome(SpfResult.None, null, "not a multi-label domain name that DNS can be asked about");
        }
        try
        {
            var (result, explanation) = await run.CheckHostAsync(domain, top: true).ConfigureAwait(false);
            return run.Outcome(result, explanation, run.Problem);
        }
        catch (SpfAbort abort)
        {
            return run.Outcome(abort.Result, null, abort.Message);
        }
    }

    /// <summary>The state of one evaluation: counters shared through includes and redirects.</summary>
    private sealed class Run(IDnsResolver resolver, SpfOptions options, SpfMacroContext baseContext, CancellationToken cancellationToken)
    {
        private int _lookups;
        private int _voids;
        private string? _matchedTerm;
        private string? _matchedDomain;

        public string? Problem { get; private set; }

        public SpfOutcome Outcome(SpfResult result, string? explanation, string? problem) =>
            new(result, explanation, problem, _matchedTerm, _matchedDomain, _lookups, _voids);

        public async Task<(SpfResult Result, string? Explanation)> CheckHostAsync(string domain, bool top)
        {
            var context = baseContext.ForDomain(domain);
            var answer = await QueryAsync(domain, DnsQueryType.Txt).ConfigureAwait(false);
            if (answer.IsFailure)
            {
                throw new SpfAbort(SpfResult.TempError, $"{domain}: TXT lookup failed ({answer.Error ?? answer.Status.ToString()})");
            }
            var records = answer.Texts.Where(SpfRecord.IsSpfRecord).ToList();
            if (records.Count == 0)
            {
                Problem ??= top ? $"{domain} publishes no SPF record" : null;
                return (SpfResult.None, null);
            }
            if (records.Count > 1)
            {
                throw new SpfAbort(SpfResult.PermError, $"{domain} publishes {records.Count} SPF records (one is allowed)");
            }
            var parsed = SpfParser.Parse(records[0]);
            if (parsed.Record is not { } record)
            {
                throw new SpfAbort(SpfResult.PermError, $"{domain}: {parsed.Error}");
            }
            foreach (var mechanism in record.Mechanisms)
            {
                if (mechanism.CostsLookup)
                {
                    CountLookup(mechanism.Text);
                }
                if (await MatchesAsync(mechanism, context).ConfigureAwait(false))
                {
                    _matchedTerm ??= mechanism.Text;
                    _matchedDomain ??= domain;
                    var result = Result(mechanism.Qualifier);
                    var explanation = result == SpfResult.Fail ? await ExplainAsync(record, context).ConfigureAwait(false) : null;
                    return (result, explanation);
                }
            }
            if (record.Redirect is { } redirect)
            {
                CountLookup("redirect=" + redirect);
                var target = await TargetAsync(redirect, context).ConfigureAwait(false);
                if (target is null)
                {
                    throw new SpfAbort(SpfResult.PermError, $"{domain}: redirect={redirect} names no valid domain");
                }
                var redirected = await CheckHostAsync(target, top: false).ConfigureAwait(false);
                if (redirected.Result == SpfResult.None)
                {
                    throw new SpfAbort(SpfResult.PermError, $"{domain}: redirect={redirect}: {target} publishes no SPF record");
                }
                return redirected;
            }
            return (SpfResult.Neutral, null);
        }

        private static SpfResult Result(SpfQualifier qualifier) => qualifier switch
        {
            SpfQualifier.Pass => SpfResult.Pass,
            SpfQualifier.Fail => SpfResult.Fail,
            SpfQualifier.SoftFail => SpfResult.SoftFail,
            _ => SpfResult.Neutral,
        };

        private void CountLookup(string term)
        {
            if (++_lookups > options.MaxLookups)
            {
                throw new SpfAbort(SpfResult.PermError, $"more than {options.MaxLookups} DNS lookups (at '{term}')");
            }
        }

        private void CountVoid(string term)
        {
            if (++_voids > options.MaxVoidLookups)
            {
                throw new SpfAbort(SpfResult.PermError, $"more than {options.MaxVoidLookups} void lookups (at '{term}')");
            }
        }

        private async Task<bool> MatchesAsync(SpfMechanism mechanism, SpfMacroContext context)
        {
            var ip = context.Ip;
            switch (mechanism.Kind)
            {
                case SpfMechanismKind.All:
                    return true;
                case SpfMechanismKind.Ip4:
                case SpfMechanismKind.Ip6:
                    return DomainNames.InNetwork(ip, mechanism.Network!, ip.AddressFamily == AddressFamily.InterNetwork ? mechanism.Prefix4 : mechanism.Prefix6);
                case SpfMechanismKind.Include:
                    return await IncludeAsync(mechanism, context).ConfigureAwait(false);
                case SpfMechanismKind.Exists:
                    {
                        var target = await TargetAsync(mechanism.DomainSpec!, context).ConfigureAwait(false);
                        if (target is null)
                        {
                            return false;
                        }
                        var answer = await RequireAsync(target, DnsQueryType.A, mechanism).ConfigureAwait(false);
                        return answer.Status == DnsStatus.Ok;
                    }
                case SpfMechanismKind.A:
                    {
                        var target = await TargetAsync(mechanism.DomainSpec ?? "%{d}", context).ConfigureAwait(false);
                        if (target is null)
                        {
                            return false;
                        }
                        var answer = await RequireAsync(target, AddressType(ip), mechanism).ConfigureAwait(false);
                        return answer.Addresses.Any(a => InPrefix(ip, a, mechanism));
                    }
                case SpfMechanismKind.Mx:
                    return await MxAsync(mechanism, context).ConfigureAwait(false);
                case SpfMechanismKind.Ptr:
                    {
                        var target = await TargetAsync(mechanism.DomainSpec ?? "%{d}", context).ConfigureAwait(false);
                        if (target is null)
                        {
                            return false;
                        }
                        var names = await ValidatedNamesAsync(ip, mechanism.Text).ConfigureAwait(false);
                        return names.Any(n => DomainNames.IsSameOrSubdomain(n, target));
                    }
                default:
                    throw new ArgumentOutOfRangeException(nameof(mechanism));
            }
        }

        private async Task<bool> IncludeAsync(SpfMechanism mechanism, SpfMacroContext context)
        {
            var target = await TargetAsync(mechanism.DomainSpec!, context).ConfigureAwait(false);
            if (target is null)
            {
                throw new SpfAbort(SpfResult.PermError, $"{context.Domain}: '{mechanism.Text}' names no valid domain");
            }
            var (result, _) = await CheckHostAsync(target, top: false).ConfigureAwait(false);
            return result switch
            {
                SpfResult.Pass => true,
                SpfResult.None => throw new SpfAbort(SpfResult.PermError, $"{context.Domain}: '{mechanism.Text}': {target} publishes no SPF record"),
                _ => false,
            };
        }

        private async Task<bool> MxAsync(SpfMechanism mechanism, SpfMacroContext context)
        {
            var target = await TargetAsync(mechanism.DomainSpec ?? "%{d}", context).ConfigureAwait(false);
            if (target is null)
            {
                return false;
            }
            var answer = await RequireAsync(target, DnsQueryType.Mx, mechanism).ConfigureAwait(false);
            var exchanges = answer.Texts.Where(n => n.Length > 0 && n != ".").ToList();
            if (exchanges.Count > options.MaxNames)
            {
                throw new SpfAbort(SpfResult.PermError, $"'{mechanism.Text}': {target} has {exchanges.Count} MX records (more than {options.MaxNames})");
            }
            var ip = context.Ip;
            foreach (var exchange in exchanges)
            {
                if (!DomainNames.IsQueryable(exchange))
                {
                    continue;
                }
                var addresses = await QueryAsync(exchange, AddressType(ip)).ConfigureAwait(false);
                if (addresses.IsFailure)
                {
                    throw new SpfAbort(SpfResult.TempError, $"'{mechanism.Text}': {exchange}: lookup failed ({addresses.Error ?? addresses.Status.ToString()})");
                }
                if (addresses.Addresses.Any(a => InPrefix(ip, a, mechanism)))
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The PTR names of <paramref name="ip"/> that resolve back to it (RFC 7208 5.5), the first ten looked at.</summary>
        private async Task<List<string>> ValidatedNamesAsync(IPAddress ip, string term)
        {
            var validated = new List<string>();
            var answer = await QueryAsync(DomainNames.ReverseName(ip), DnsQueryType.Ptr).ConfigureAwait(false);
            if (answer.IsEmpty && term.Length > 0)
            {
                CountVoid(term);
            }
            if (answer.Status != DnsStatus.Ok)
            {
                return validated;
            }
            foreach (var name in answer.Texts.Take(options.MaxNames))
            {
                if (!DomainNames.IsQueryable(name))
                {
                    continue;
                }
                var addresses = await QueryAsync(name, AddressType(ip)).ConfigureAwait(false);
                if (addresses.Addresses.Any(a => a.Equals(ip)))
                {
                    validated.Add(DomainNames.Normalize(name));
                }
            }
            return validated;
        }

        /// <summary>%{p}: a validated name, preferring the current domain, then one of its subdomains (RFC 7208 7.3).</summary>
        private async Task<string> ValidatedNameAsync(SpfMacroContext context)
        {
            var names = await ValidatedNamesAsync(context.Ip, "").ConfigureAwait(false);
            var domain = DomainNames.Normalize(context.Domain);
            return names.FirstOrDefault(n => n == domain)
                ?? names.FirstOrDefault(n => DomainNames.IsSameOrSubdomain(n, domain))
                ?? names.FirstOrDefault()
                ?? "unknown";
        }

        private async Task<string?> ExplainAsync(SpfRecord record, SpfMacroContext context)
        {
            if (record.Explanation is not { } exp)
            {
                return options.DefaultExplanation;
            }
            try
            {
                var target = await TargetAsync(exp, context).ConfigureAwait(false);
                if (target is null)
                {
                    return options.DefaultExplanation;
                }
                var answer = await QueryAsync(target, DnsQueryType.Txt).ConfigureAwait(false);
                if (answer.Status != DnsStatus.Ok || answer.Records.Count != 1)
                {
                    return options.DefaultExplanation;
                }
                var text = answer.Records[0].Text;
                if (SpfMacro.Validate(text, explanation: true) is not null)
                {
                    return options.DefaultExplanation;
                }
                return await SpfMacro.ExpandAsync(text, context, explanation: true, () => ValidatedNameAsync(context)).ConfigureAwait(false);
            }
            catch (SpfAbort)
            {
                return options.DefaultExplanation;
            }
        }

        /// <summary>The expanded target name of a domain-spec, cut to 253 characters from the left (RFC 7208 7.3); null when no query can be made for it.</summary>
        private async Task<string?> TargetAsync(string spec, SpfMacroContext context)
        {
            var name = await SpfMacro.ExpandAsync(spec, context, explanation: false, () => ValidatedNameAsync(context)).ConfigureAwait(false);
            if (name.EndsWith('.'))
            {
                name = name[..^1];
            }
            while (name.Length > 253)
            {
                var dot = name.IndexOf('.');
                name = dot < 0 ? "" : name[(dot + 1)..];
            }
            return DomainNames.IsQueryable(name) ? name : null;
        }

        /// <summary>A mechanism's own query: a failure is a temperror, an empty answer a void lookup.</summary>
        private async Task<DnsAnswer> RequireAsync(string name, DnsQueryType type, SpfMechanism mechanism)
        {
            var answer = await QueryAsync(name, type).ConfigureAwait(false);
            if (answer.IsFailure)
            {
                throw new SpfAbort(SpfResult.TempError, $"'{mechanism.Text}': {name}: lookup failed ({answer.Error ?? answer.Status.ToString()})");
            }
            if (answer.IsEmpty)
            {
                CountVoid(mechanism.Text);
            }
            return answer;
        }

        private Task<DnsAnswer> QueryAsync(string name, DnsQueryType type) => resolver.QueryAsync(name, type, cancellationToken);

        private static DnsQueryType AddressType(IPAddress ip) => ip.AddressFamily == AddressFamily.InterNetwork ? DnsQueryType.A : DnsQueryType.Aaaa;

        private static bool InPrefix(IPAddress ip, IPAddress address, SpfMechanism mechanism) =>
            DomainNames.InNetwork(ip, address, ip.AddressFamily == AddressFamily.InterNetwork ? mechanism.Prefix4 : mechanism.Prefix6);
    }
}
