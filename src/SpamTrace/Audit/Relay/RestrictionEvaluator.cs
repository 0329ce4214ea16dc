using System.Net;
using System.Numerics;
using SpamTrace.Audit.Config;

namespace SpamTrace.Audit.Relay;

/// <summary>
/// Runs one service's restriction lists for one client and recipient the way smtpd does with smtpd_delay_reject
/// (client, helo, sender, relay, recipient at RCPT time; a permit ends its list, a reject or defer ends all).
/// What the client controls (sender, HELO, its reverse name, the external domain) is taken at worst for relay:
/// an access-map entry that permits is one the client can pick. What only a lookup or a DNS answer can tell is
/// "cannot decide statically" when it could turn a refusal into an acceptance, and a caveat otherwise.
/// </summary>
public sealed class RestrictionEvaluator(PostfixConfig config, MasterService? service, Func<string, string?> readFile)
{
    public static readonly string[] Lists =
        ["smtpd_client_restrictions", "smtpd_helo_restrictions", "smtpd_sender_restrictions", "smtpd_relay_restrictions", "smtpd_recipient_restrictions"];

    /// <summary>Access entries covering at least this many addresses count as covering any Internet client.</summary>
    public static readonly BigInteger WideEntryAddresses = 65536;

    private readonly HashSet<string> classes = [.. PostfixConfig.Items(config.Get("smtpd_restriction_classes", service))];
    private NetworkList? myNetworks;

    public NetworkList MyNetworks => myNetworks ??= NetworkList.Parse(PostfixConfig.Items(config.Get("mynetworks", service)), readFile);

    private sealed class Run
    {
        public required RelayClient Client { get; init; }
        public required bool Ours { get; init; }
        public required string Domain { get; init; }
        public List<string> Caveats { get; } = [];
        public DecidingRestriction? MayPermit { get; set; }
    }

    private enum Result { Dunno, Permit, Reject, Defer }

    public RelayVerdict Evaluate(string serviceLabel, RelayClient client, bool recipientIsOurs, string ourDomain)
    {
        var run = new Run { Client = client, Ours = recipientIsOurs, Domain = recipientIsOurs ? ourDomain : "example.net" };
        var relayEmpty = PostfixConfig.Items(config.Get("smtpd_relay_restrictions", service)).Count == 0;
        if (relayEmpty && !PostfixConfig.Items(config.Get("smtpd_recipient_restrictions", service)).Any(i =>
            i is "reject" or "defer" or "defer_if_permit" or "reject_unauth_destination" or "defer_unauth_destination"))
        {
            return new RelayVerdict(serviceLabel, client, recipientIsOurs, RelayOutcome.Deferred,
                new DecidingRestriction("smtpd_recipient_restrictions", 0, "(configuration error)"))
            {
                Reason = "smtpd_relay_restrictions is empty and smtpd_recipient_restrictions has no reject_unauth_destination: smtpd refuses all mail (451 4.3.5)",
            };
        }
        DecidingRestriction? permittedBy = null;
        foreach (var list in Lists)
        {
            run.MayPermit = null;
            var (result, at) = EvaluateList(list, config.Get(list, service), run, depth: 0);
            if (result is Result.Reject or Result.Defer)
            {
                if (run.MayPermit is { } unknown)
                {
                    return Verdict(serviceLabel, run, RelayOutcome.Undecided, unknown, $"{unknown.Item} may answer OK before {at!.Item} refuses");
                }
                return Verdict(serviceLabel, run, result == Result.Reject ? RelayOutcome.Rejected : RelayOutcome.Deferred, at, null);
            }
            // The relay decision is the relay list's permit when it has one, else the recipient list's, else the last earlier one.
            if (result == Result.Permit && (permittedBy is null || permittedBy.List != "smtpd_relay_restrictions"))
            {
                permittedBy = at;
            }
        }
        return Verdict(serviceLabel, run, RelayOutcome.Accepted, permittedBy, permittedBy is null ? "no restriction refused it" : null);
    }

    private static RelayVerdict Verdict(string label, Run run, RelayOutcome outcome, DecidingRestriction? by, string? reason) =>
        new(label, run.Client, run.Ours, outcome, by) { Caveats = run.Caveats.Distinct().ToList(), Reason = reason };

    private (Result, DecidingRestriction?) EvaluateList(string list, string value, Run run, int depth)
    {
        var items = PostfixConfig.Items(value);
        var warnOnly = false;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var at = new DecidingRestriction(list, i + 1, item);
            if (item == "warn_if_reject") { warnOnly = true; continue; }
            var (result, detail, skip) = Evaluate(items, i, list, run, depth);
            i += skip;
            if (warnOnly && result is Result.Reject or Result.Defer) { result = Result.Dunno; }
            warnOnly = false;
            if (result != Result.Dunno)
            {
                return (result, at with { Item = skip > 0 ? $"{item} {items[i]}" : item, Detail = detail });
            }
        }
        return (Result.Dunno, null);
    }

    private (Result Result, string? Detail, int Skip) Evaluate(List<string> items, int index, string list, Run run, int depth)
    {
        var item = items[index];
        var next = index + 1 < items.Count ? items[index + 1] : null;
        var at = new DecidingRestriction(list, index + 1, item);
        var client = run.Client;
        switch (item)
        {
            case "permit": return (Result.Permit, null, 0);
            case "reject": return (Result.Reject, null, 0);
            case "defer" or "defer_if_permit": return (Result.Defer, null, 0);
            case "dunno": return (Result.Dunno, null, 0);
            case "permit_mynetworks":
                switch (MyNetworks.Contains(client.Address))
                {
                    case true: return (Result.Permit, $"{client.Address} is in mynetworks", 0);
                    case null:
                        MayPermitHere(run, at with { Detail = $"mynetworks has entries that need a lookup: {string.Join(" ", MyNetworks.Unresolved)}" });
                        return (Result.Dunno, null, 0);
                    default: return (Result.Dunno, null, 0);
                }
            case "permit_sasl_authenticated":
                return client.Authenticated ? (Result.Permit, "the client authenticated", 0) : (Result.Dunno, null, 0);
            case "permit_inet_interfaces":
                return client.Kind == ClientKind.Loopback ? (Result.Permit, "loopback is a local interface", 0) : (Result.Dunno, null, 0);
            case "reject_unauth_destination":
                return run.Ours ? (Result.Dunno, null, 0) : (Result.Reject, $"{run.Domain} is not a domain of this server", 0);
            case "defer_unauth_destination":
                return run.Ours ? (Result.Dunno, null, 0) : (Result.Defer, $"{run.Domain} is not a domain of this server", 0);
            case "permit_auth_destination":
                return run.Ours ? (Result.Permit, $"{run.Domain} is a domain of this server", 0) : (Result.Dunno, null, 0);
            case "permit_mx_backup":
                if (!run.Ours && client.IsInternet)
                {
                    MayPermitHere(run, at with { Detail = "permits any domain whose MX record names this server" });
                }
                return (Result.Dunno, null, 0);
            case "permit_tls_all_clientcerts":
                return client.IsInternet ? (Result.Permit, "any client with a certificate", 0) : (Result.Dunno, null, 0);
            case "check_policy_service":
                run.Caveats.Add($"{item} {next} ({list} #{index + 1}) may refuse");
                return (Result.Dunno, null, 1);
        }
        if (item.StartsWith("check_", StringComparison.Ordinal) && item.EndsWith("_access", StringComparison.Ordinal) && next is not null)
        {
            var (result, detail) = CheckAccess(item, next, at, run, depth);
            return (result, detail, 1);
        }
        if (classes.Contains(item) && depth < 8)
        {
            var (result, by) = EvaluateList(item, config.Get(item, service), run, depth + 1);
            return (result, by?.ToString(), 0);
        }
        if (item.StartsWith("reject_", StringComparison.Ordinal) || item.StartsWith("permit_", StringComparison.Ordinal)
            || item.StartsWith("defer_", StringComparison.Ordinal) || item.StartsWith("warn_", StringComparison.Ordinal)
            || item is "sleep" or "reject_unauth_pipelining" or "smtpd_null_access_lookup_key")
        {
            // The rest depends on what the client sends (sender, HELO, DNS it controls): a relaying client passes them.
            if (item.StartsWith("reject_rbl", StringComparison.Ordinal) || item.StartsWith("reject_rhsbl", StringComparison.Ordinal)
                || item.StartsWith("permit_dnswl", StringComparison.Ordinal) || item.StartsWith("permit_rhswl", StringComparison.Ordinal)
                || item == "sleep")
            {
                return (Result.Dunno, null, next is null ? 0 : 1);
            }
            if (item is "permit_tls_clientcerts")
            {
                return (Result.Dunno, null, 0);
            }
            if (item.StartsWith("permit_", StringComparison.Ordinal))
            {
                MayPermitHere(run, at with { Detail = "not modelled" });
            }
            return (Result.Dunno, null, 0);
        }
        MayPermitHere(run, at with { Detail = "unknown restriction" });
        return (Result.Dunno, null, 0);
    }

    private void MayPermitHere(Run run, DecidingRestriction at)
    {
        run.MayPermit ??= at;
        run.Caveats.Add(at.ToString());
    }

    private (Result Result, string? Detail) CheckAccess(string item, string spec, DecidingRestriction at, Run run, int depth)
    {
        var map = AccessMap.Open(spec, readFile);
        at = at with { Item = $"{item} {spec}" };
        if (!map.Readable)
        {
            MayPermitHere(run, at with { Detail = "lookup table not readable from the files" });
            return (Result.Dunno, null);
        }
        var client = run.Client;
        string? fixedAnswer = null;
        var fixedKey = false;
        if (item == "check_client_access" && !client.IsInternet)
        {
            fixedKey = true;
            fixedAnswer = map.LookupAddress(client.Address);
        }
        else if (item == "check_recipient_access" && run.Ours)
        {
            fixedKey = true;
            fixedAnswer = map.Lookup([$"postmaster@{run.Domain}", run.Domain, "postmaster@"]);
        }
        else if (item == "check_sasl_access" && !client.Authenticated)
        {
            return (Result.Dunno, null);
        }
        if (fixedKey && !map.PatternsOnly)
        {
            return fixedAnswer is null ? (Result.Dunno, null) : Apply(fixedAnswer, at, run, depth, $"{client.Address} -> {fixedAnswer}");
        }
        // The client chooses the key: any entry that permits is one it can use.
        IEnumerable<(string Key, string Action)> candidates = map.Entries;
        if (item == "check_client_access")
        {
            candidates = map.Networks.Where(n => NetworkEntryCount(n.Network) >= WideEntryAddresses && !NetworkList.IsInternal(n.Network)).Select(n => (n.Key, n.Action))
                .Concat(map.Entries.Where(e => IsWideAddressKey(e.Key)));
        }
        foreach (var (key, action) in candidates)
        {
            var kind = AccessMap.Classify(action, classes);
            if (kind == AccessAction.Permit)
            {
                return (Result.Permit, $"entry {key} {action}");
            }
            if (kind == AccessAction.Restriction && depth < 8)
            {
                var (result, by) = EvaluateList(action.Split(' ')[0], classes.Contains(action) ? config.Get(action, service) : action, run, depth + 1);
                if (result == Result.Permit)
                {
                    return (Result.Permit, $"entry {key} {action}: {by}");
                }
            }
        }
        return (Result.Dunno, null);
    }

    private (Result, string?) Apply(string action, DecidingRestriction at, Run run, int depth, string detail)
    {
        switch (AccessMap.Classify(action, classes))
        {
            case AccessAction.Permit: return (Result.Permit, detail);
            case AccessAction.Reject: return (Result.Reject, detail);
            case AccessAction.Defer: return (Result.Defer, detail);
            case AccessAction.Restriction when depth < 8:
                var (result, by) = EvaluateList(at.List, classes.Contains(action) ? config.Get(action, service) : action, run, depth + 1);
                return (result, by is null ? detail : $"{detail}: {by}");
            default: return (Result.Dunno, null);
        }
    }

    private static readonly HashSet<string> TakesArgument =
    [
        "reject_rbl_client", "reject_rhsbl_client", "reject_rhsbl_sender", "reject_rhsbl_helo", "reject_rhsbl_recipient",
        "reject_rhsbl_reverse_client", "permit_dnswl_client", "permit_rhswl_client", "sleep",
    ];

    /// <summary>A restriction list written back, each restriction with its argument ("check_policy_service unix:private/p").</summary>
    public static string Join(IReadOnlyList<string> items, string separator = ", ")
    {
        var parts = new List<string>();
        for (var i = 0; i < items.Count; i++)
        {
            var takes = (items[i].StartsWith("check_", StringComparison.Ordinal) || TakesArgument.Contains(items[i])) && i + 1 < items.Count;
            parts.Add(takes ? $"{items[i]} {items[++i]}" : items[i]);
        }
        return string.Join(separator, parts);
    }

    private static BigInteger NetworkEntryCount(IPNetwork network) =>
        BigInteger.One << ((network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32) - network.PrefixLength);

    /// <summary>"10" or "192.168" in a hash table: a whole /8 or /16.</summary>
    private static bool IsWideAddressKey(string key)
    {
        var parts = key.Split('.');
        if (parts.Length > 2 || !parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit))) { return false; }
        var padded = string.Join('.', parts.Concat(Enumerable.Repeat("0", 4 - parts.Length)));
        return NetworkList.TryParseNetwork($"{padded}/{parts.Length * 8}", out var network) && !NetworkList.IsInternal(network);
    }
}
