using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using DnsClient;
using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Greylisting.Whitelists;

namespace SpamTrace.Policy.Greylisting.Pools;

/// <summary>
/// A sender domain is the client's pool when the domain's SPF record passes the client (ip4, ip6, a, mx, include and
/// redirect followed; at most 10 DNS-querying terms, as RFC 7208 allows). Each domain's record is resolved once into
/// an <see cref="SpfPolicy"/> and cached for an hour (failures for ten minutes), so most decisions need no DNS at all.
/// A lookup slower than the caller's timeout answers "no pool" for that request and still fills the cache.
/// </summary>
public sealed class SpfPoolResolver : IGreylistPoolResolver
{
    private const int MaxLookups = 10;
    private const int CacheCap = 20_000;
    private static readonly TimeSpan Positive = TimeSpan.FromHours(1);
    private static readonly TimeSpan Negative = TimeSpan.FromMinutes(10);

    private readonly ISpfDns _dns;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.OrdinalIgnoreCase);

    private sealed record CacheEntry(Task<SpfPolicy> Policy, DateTimeOffset Expires);

    public SpfPoolResolver(ISpfDns dns, ILogger logger, TimeProvider? time = null)
    {
        _dns = dns;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A resolver asking <paramref name="server"/> ("host:port"), or the system's resolvers when null.</summary>
    public static SpfPoolResolver Create(string? server, ILogger logger)
    {
        var options = server is null ? new LookupClientOptions() : new LookupClientOptions(IPEndPoint.Parse(server));
        options.Timeout = TimeSpan.FromSeconds(2);
        options.Retries = 1;
        options.UseCache = true;
        options.ThrowDnsErrors = false;
        options.ContinueOnDnsError = false;
        return new SpfPoolResolver(new DnsClientSpfDns(new LookupClient(options)), logger);
    }

    public int CachedDomains => _cache.Count;

    public async ValueTask<string?> PoolAsync(string senderDomain, IPAddress client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var domain = senderDomain.TrimEnd('.').ToLowerInvariant();
        if (domain.Length == 0 || domain.Length > 253)
        {
            return null;
        }
        var policy = PolicyFor(domain);
        if (!policy.IsCompleted)
        {
            try
            {
                await policy.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
        return policy.IsCompletedSuccessfully && policy.Result.Passes(client) ? domain : null;
    }

    private Task<SpfPolicy> PolicyFor(string domain)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(domain, out var entry) && (entry.Expires > now || !entry.Policy.IsCompleted))
        {
            return entry.Policy;
        }
        if (_cache.Count >= CacheCap)
        {
            foreach (var (key, old) in _cache)
            {
                if (old.Expires <= now)
                {
                    _cache.TryRemove(key, out _);
                }
            }
            if (_cache.Count >= CacheCap)
            {
                _cache.Clear();
            }
        }
        var task = ResolveAndCacheAsync(domain);
        _cache[domain] = new CacheEntry(task, DateTimeOffset.MaxValue);
        return task;
    }

    private async Task<SpfPolicy> ResolveAndCacheAsync(string domain)
    {
        SpfPolicy policy;
        var ok = true;
        try
        {
            var budget = new Budget();
            policy = await ResolveAsync(domain, budget, 0).ConfigureAwait(false) ?? SpfPolicy.None;
        }
        catch (Exception ex) when (ex is DnsResponseException or OperationCanceledException or System.Net.Sockets.SocketException or InvalidOperationException or ArgumentException)
        {
            _logger.LogDebug("greylist: SPF of {Domain} not resolved: {Error}", domain, ex.Message);
            policy = SpfPolicy.None;
            ok = false;
        }
        var ttl = ok && policy.Terms.Count > 0 ? Positive : Negative;
        _cache[domain] = new CacheEntry(Task.FromResult(policy), _time.GetUtcNow() + ttl);
        return policy;
    }

    private sealed class Budget
    {
        public int Lookups;
    }

    /// <summary>The domain's record as a policy; null when it has none (or more than one: a permanent error).</summary>
    private async Task<SpfPolicy?> ResolveAsync(string domain, Budget budget, int depth)
    {
        var record = await RecordAsync(domain).ConfigureAwait(false);
        if (record is null)
        {
            return null;
        }
        var terms = new List<SpfTerm>();
        string? redirect = null;
        var hasAll = false;
        foreach (var raw in record.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
        {
            var text = raw.ToLowerInvariant();
            if (text.StartsWith("redirect=", StringComparison.Ordinal))
            {
                redirect = text[9..];
                continue;
            }
            if (text.Contains('=') && !text.Contains(':'))
            {
                continue; // other modifiers (exp=)
            }
            var qualifier = text[0] is '+' or '-' or '~' or '?' ? text[0] : '+';
            var mechanism = text[0] is '+' or '-' or '~' or '?' ? text[1..] : text;
            var (name, argument, cidr4, cidr6) = Split(mechanism);
            switch (name)
            {
                case "all":
                    terms.Add(new SpfTerm(qualifier, [], All: true));
                    hasAll = true;
                    break;
                case "ip4":
                case "ip6":
                    if (argument is not null && ParseNetwork(argument, name == "ip4" ? cidr4 : cidr6, name == "ip4" ? cidr4 : cidr6) is { } network)
                    {
                        terms.Add(new SpfTerm(qualifier, [network]));
                    }
                    break;
                case "a":
                case "mx":
                    if (++budget.Lookups > MaxLookups)
                    {
                        return new SpfPolicy(terms);
                    }
                    var target = argument ?? domain;
                    if (target.Contains('%'))
                    {
                        break;
                    }
                    var hosts = name == "a" ? [target] : await MxHostsAsync(target).ConfigureAwait(false);
                    var networks = new List<IPNetwork>();
                    foreach (var host in hosts.Take(MaxLookups))
                    {
                        foreach (var address in await AddressesAsync(host).ConfigureAwait(false))
                        {
                            var prefix = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? cidr4 ?? 32 : cidr6 ?? 128;
                            networks.Add(ClientWhitelist.Network(address, prefix));
                        }
                    }
                    terms.Add(new SpfTerm(qualifier, networks));
                    break;
                case "include":
                    // Past the lookup limit the evaluation is a permanent error: only the terms before it can pass.
                    if (++budget.Lookups > MaxLookups || depth >= MaxLookups)
                    {
                        return new SpfPolicy(terms);
                    }
                    if (argument is null || argument.Contains('%'))
                    {
                        break;
                    }
                    var included = await ResolveAsync(argument, budget, depth + 1).ConfigureAwait(false);
                    if (included is not null)
                    {
                        terms.Add(new SpfTerm(qualifier, [], included));
                    }
                    break;
                case "exists":
                case "ptr":
                    if (++budget.Lookups > MaxLookups)
                    {
                        return new SpfPolicy(terms);
                    }
                    break;
            }
        }
        // RFC 7208 6.1: redirect applies only when no "all" mechanism is present.
        if (redirect is not null && !hasAll && !redirect.Contains('%') && ++budget.Lookups <= MaxLookups && depth < MaxLookups)
        {
            var target = await ResolveAsync(redirect, budget, depth + 1).ConfigureAwait(false);
            if (target is not null)
            {
                terms.AddRange(target.Terms);
            }
        }
        return new SpfPolicy(terms);
    }

    /// <summary>"name:argument/cidr4//cidr6" split into its parts.</summary>
    private static (string Name, string? Argument, int? Cidr4, int? Cidr6) Split(string mechanism)
    {
        int? cidr4 = null, cidr6 = null;
        var colon = mechanism.IndexOf(':');
        var slash = mechanism.IndexOf('/', colon < 0 ? 0 : colon);
        // ip6 addresses hold colons: the argument is everything after the first one, up to the prefix.
        var nameEnd = colon >= 0 ? colon : slash >= 0 ? slash : mechanism.Length;
        var name = mechanism[..nameEnd];
        var rest = mechanism[nameEnd..];
        string? argument = null;
        if (rest.StartsWith(':'))
        {
            var end = rest.IndexOf('/');
            argument = end < 0 ? rest[1..] : rest[1..end];
            rest = end < 0 ? "" : rest[end..];
        }
        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            cidr6 = Number(rest[2..]);
        }
        else if (rest.StartsWith('/'))
        {
            var six = rest.IndexOf("//", StringComparison.Ordinal);
            if (name == "ip6")
            {
                cidr6 = Number(rest[1..]);
            }
            else
            {
                cidr4 = Number(six < 0 ? rest[1..] : rest[1..six]);
                if (six >= 0)
                {
                    cidr6 = Number(rest[(six + 2)..]);
                }
            }
        }
        return (name, argument, cidr4, cidr6);
    }

    private static int? Number(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static IPNetwork? ParseNetwork(string address, int? cidr, int? fallback)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            return null;
        }
        var max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        var prefix = cidr ?? fallback ?? max;
        return prefix > max ? null : ClientWhitelist.Network(ip, prefix);
    }

    private async Task<string?> RecordAsync(string domain)
    {
        var records = (await _dns.TxtAsync(domain).ConfigureAwait(false))
            .Where(t => t.Equals("v=spf1", StringComparison.OrdinalIgnoreCase) || t.StartsWith("v=spf1 ", StringComparison.OrdinalIgnoreCase))
            .ToList();
        return records.Count == 1 ? records[0] : null;
    }

    private Task<IReadOnlyList<string>> MxHostsAsync(string domain) => _dns.MxAsync(domain);

    private Task<IReadOnlyList<IPAddress>> AddressesAsync(string host) => _dns.AddressesAsync(host);
}
