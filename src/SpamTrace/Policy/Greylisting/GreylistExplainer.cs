using System.Globalization;
using System.Net;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Greylisting;

/// <summary>One triplet as explain shows it: what it is waiting for, or why it passes.</summary>
public sealed record ExplainedTriplet(string Triplet, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string State, DateTimeOffset? PassesFrom, DateTimeOffset? ForgottenAt);

/// <summary>The answer to "why was this delayed, when will it pass".</summary>
public sealed class GreylistExplanation
{
    public string Query { get; set; } = "";
    public string Kind { get; set; } = "";

    /// <summary>Reasons this client or address is never greylisted (mynetworks, exemptions, whitelist entries).</summary>
    public List<string> NeverGreylisted { get; set; } = [];

    /// <summary>For an IP: the auto-whitelist count and whether it is reached.</summary>
    public string? AutoWhitelist { get; set; }
    public List<ExplainedTriplet> Triplets { get; set; } = [];
    public List<string> Notes { get; set; } = [];
}

/// <summary>Builds explanations from the config and the store.</summary>
public static class GreylistExplainer
{
    public const int MaxTriplets = 50;

    public static async Task<GreylistExplanation> ExplainAsync(string query, PolicyConfig config, IGreylistStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var g = config.Greylist;
        var s = g.Settings;
        var text = query.Trim();
        var result = new GreylistExplanation { Query = text };
        if (!g.Enabled)
        {
            result.Notes.Add("greylisting is off in this config (no \"greylist\" section, or \"enabled\": false)");
        }
        else if (g.Mode == GreylistMode.Training)
        {
            result.Notes.Add("training mode: nothing is delayed; the states below say what would have been");
        }
        var needles = new List<string>();
        if (IPAddress.TryParse(text.Trim('[', ']'), out var ip))
        {
            var address = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
            result.Kind = "client address";
            if (g.MyNetworks.Contains(address))
            {
                result.NeverGreylisted.Add("in greylist.mynetworks");
            }
            if (config.Exempt.Matches(null, null, address.ToString()))
            {
                result.NeverGreylisted.Add("in the config's exempt list");
            }
            if (g.Clients.Match(null, address) is { } entry)
            {
                result.NeverGreylisted.Add($"client whitelist entry {entry}");
            }
            var client = await store.ClientAsync(address.ToString(), cancellationToken).ConfigureAwait(false);
            result.AutoWhitelist = !client.Exists || GreylistTimers.IsExpired(client, now.ToUnixTimeSeconds(), s)
                ? $"no successful retries recorded (auto-whitelisted after {g.AutoWhitelist})"
                : client.Count >= g.AutoWhitelist && g.AutoWhitelist > 0
                    ? $"auto-whitelisted: {client.Count} successful retries, last {Time(client.Last)}; kept until {Time(client.Last + s.MaxAge)}"
                    : $"{client.Count} of {g.AutoWhitelist} successful retries (one an hour counts), last {Time(client.Last)}";
            needles.Add(KeyValues.Network(address.ToString(), g.PrefixV4, g.PrefixV6)! + "/");
            result.Notes.Add("mail from a sender domain whose SPF authorises this address is keyed by the pool (spf:DOMAIN): search by the sender to see it");
        }
        else
        {
            result.Kind = text.Contains('@') ? "address" : "domain";
            if (config.Exempt.Matches(null, text, null))
            {
                result.NeverGreylisted.Add("sender exempt in the config's exempt list");
            }
            if (g.Recipients.Match(text) is { } entry)
            {
                result.NeverGreylisted.Add($"recipient whitelist entry {entry}");
            }
            if (text.Contains('@'))
            {
                var normalised = SenderNormaliser.Normalise(text, g.FoldSrs).ToLowerInvariant();
                needles.Add("/" + normalised + "/");
                if (normalised != text.ToLowerInvariant())
                {
                    result.Notes.Add($"as a sender it is keyed as {normalised}");
                }
                needles.Add("/" + text.ToLowerInvariant());
            }
            else
            {
                needles.Add("@" + text.ToLowerInvariant());
            }
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var needle in needles)
        {
            foreach (var record in await store.FindAsync(needle, MaxTriplets, cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(record.Triplet) && result.Triplets.Count < MaxTriplets)
                {
                    result.Triplets.Add(Explain(record, s, now.ToUnixTimeSeconds()));
                }
            }
        }
        if (store is EmbeddedGreylistStore && config.Store.Path is null)
        {
            result.Notes.Add("the embedded store without store.path keeps no triplet text: set store.path to list triplets");
        }
        return result;
    }

    private static ExplainedTriplet Explain(TripletRecord r, GreylistSettings s, long now)
    {
        var entry = new TripletEntry { Exists = true, First = r.First, Last = r.Last };
        var passed = r.Last - r.First >= s.Delay;
        string state;
        long? passesFrom = null;
        long? forgotten = passed ? r.Last + s.MaxAge : r.Last + s.RetryWindow;
        if (GreylistTimers.IsExpired(entry, now, s) || (!passed && now - r.First > s.RetryWindow))
        {
            state = passed ? "forgotten (unseen for max age): the next attempt is deferred again" : "expired: not retried within the retry window; the next attempt starts over";
            forgotten = null;
        }
        else if (passed)
        {
            state = string.Create(CultureInfo.InvariantCulture, $"passes: delayed {r.Last - r.First}s or more before its first pass");
        }
        else
        {
            passesFrom = r.First + s.Delay;
            var wait = passesFrom.Value - now;
            state = wait > 0
                ? string.Create(CultureInfo.InvariantCulture, $"waiting: deferred; a retry passes in {wait}s (from {Time(passesFrom.Value)}), if it comes before {Time(r.First + s.RetryWindow)}")
                : string.Create(CultureInfo.InvariantCulture, $"ready: the delay is over; the next retry passes if it comes before {Time(r.First + s.RetryWindow)}");
        }
        return new ExplainedTriplet(r.Triplet, DateTimeOffset.FromUnixTimeSeconds(r.First), DateTimeOffset.FromUnixTimeSeconds(r.Last), state,
            passesFrom is null ? null : DateTimeOffset.FromUnixTimeSeconds(passesFrom.Value), forgotten is null ? null : DateTimeOffset.FromUnixTimeSeconds(forgotten.Value));
    }

    private static string Time(long unix) => DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
