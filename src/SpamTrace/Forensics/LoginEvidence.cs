namespace SpamTrace.Forensics;

/// <summary>
/// A stolen account: a login that departs from its peers and its own history. Defining: client IPs and networks
/// (compared with the usual login), failed logins for that login from any IP (and unnamed failures from its own
/// IPs before they first sent as it), envelope senders it does not own. Corroborating: fan-out beyond its peers,
/// and what every kind shares.
/// </summary>
internal static class LoginEvidence
{
    public static Finding Add(JudgeContext ctx, OriginStats s, EvidenceSet ev)
    {
        if (s.ExternalRecipients < Detector.MinimumVolume)
        {
            return new Finding();
        }
        var o = ctx.Observer;
        var ips = s.ClientIps.Count;
        var nets = s.Networks.Count;
        // Compared with the usual login: on a server whose users roam between many IPs, many IPs mean nothing.
        var usual = ctx.Population.LoginIps(s);
        if (ips >= Math.Max(5, 3 * usual))
        {
            ev.Define("many-client-ips", $"logged in from {s.ClientIps.CountText} client IPs in {s.Networks.CountText} network{(nets == 1 ? "" : "s")}", 30);
        }
        else if (ips >= Math.Max(3, 3 * usual) && nets >= 3)
        {
            ev.Define("many-client-ips", $"logged in from {ips} client IPs in {nets} networks", 20);
        }
        else if (ips >= 2 && usual < 2)
        {
            // Alone, a user roaming between home and office; with guessing or forged senders, the attacker's second address.
            ev.Define("client-ips", $"logged in from {ips} client IPs in {nets} network{(nets == 1 ? "" : "s")}; the usual login here uses one", nets >= 2 ? 10 : 5);
        }

        if (s.Messages > 0 && s.SenderMismatches >= 0.5 * s.Messages && s.Senders.Count >= 3)
        {
            ev.Define("sender-mismatch", $"{s.SenderMismatches} of {s.Messages} messages with an envelope sender that is not the login ({s.Senders.CountText} different senders)", 15);
        }

        GuessedIn(ctx, s, ev);
        var departs = ev.DefiningPoints > 0;

        // Failures naming this login, from whichever IP; and failures from an IP (naming anyone) before it first sent as this login.
        long named = 0;
        var namedIps = 0;
        if (o.AuthFailuresByLogin.TryGetValue(s.Id.Key, out var byLogin))
        {
            named = byLogin.Stats.Count;
            namedIps = byLogin.Ips.Count;
        }
        long before = 0;
        foreach (var (ip, seen) in s.IpFirstSeen)
        {
            if (o.AuthFailuresByIp.TryGetValue(ip, out var byIp))
            {
                before += byIp.CountBefore(seen);
            }
        }
        // The two overlap when the guesses named this login from its own IPs: the larger is a count both agree on.
        var failures = Math.Max(named, before);
        if (failures >= 3)
        {
            var parts = new List<string>();
            if (named > 0)
            {
                parts.Add($"{named} naming this login from {namedIps} IP{(namedIps == 1 ? "" : "s")}");
            }
            if (before > 0)
            {
                parts.Add($"{before} from its own client IPs before they first sent as it, whatever login they tried");
            }
            // Guessing proves an attack, not a success: it weighs fully when the logins that got in depart too, or when
            // an IP that guessed many times then got in (no user mistypes a password twenty times).
            if (departs || before >= 20)
            {
                ev.Define("brute-force", $"{failures} failed logins ({string.Join(", ", parts)}): its password was guessed", failures >= 100 ? 25 : failures >= 20 ? 20 : 15);
            }
            else
            {
                ev.Define("brute-force", $"{failures} failed logins ({string.Join(", ", parts)}), but it sent only from its usual place and as itself: attacked, not shown to be stolen", 5);
            }
        }

        var distinct = ctx.ExternalAddresses(s);
        var peers = ctx.Population.DistinctRecipients(s);
        if (distinct >= Math.Max(20, 4 * peers))
        {
            ev.Corroborate("fan-out", $"wrote to {distinct} distinct external addresses; its busier peers write to {peers:F0}", 10);
        }
        return new Finding();
    }

    /// <summary>
    /// A client IP that failed to log in under other names, names that never sent mail here, and logged in as this
    /// login: a guesser that found its password. A user mistypes its own password; an office behind one address shows
    /// failures of names that then log in. Two foreign names are what no user types.
    /// </summary>
    private static void GuessedIn(JudgeContext ctx, OriginStats s, EvidenceSet ev)
    {
        var o = ctx.Observer;
        var foreign = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var guessers = new List<string>();
        foreach (var ip in s.IpFirstSeen.Keys)
        {
            if (!o.AuthFailuresByIp.TryGetValue(ip, out var byIp))
            {
                continue;
            }
            var before = foreign.Count;
            foreach (var name in byIp.Logins.Items)
            {
                if (!name.Equals(s.Id.Key, StringComparison.OrdinalIgnoreCase) && !o.Origins.ContainsKey(new OriginId(CulpritKind.Sasl, name)))
                {
                    foreign.Add(name);
                }
            }
            if (foreign.Count > before)
            {
                guessers.Add(ip);
            }
        }
        if (foreign.Count >= 2)
        {
            var names = string.Join(", ", foreign.Take(4)) + (foreign.Count > 4 ? $" and {foreign.Count - 4} more" : "");
            ev.Define("guessed-in",
                $"client IP{(guessers.Count == 1 ? "" : "s")} {string.Join(", ", guessers.Order(StringComparer.Ordinal).Take(3))} failed to log in as {foreign.Count} other names that never sent mail here ({names}), then logged in as this login: a guesser that found its password",
                20);
        }
    }
}
