using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Policy.Serving;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Policy.Greylisting;

/// <summary>
/// The same recorded sequence of policy requests sent to Debian's postgrey and to our service, with the same settings
/// and Debian's whitelists, on the same simulated clock (postgrey's policy_test_time attribute, our fake clock): the
/// decisions and the seconds to wait must be the same, except where we differ on purpose, listed in
/// <see cref="Difference"/>.
/// </summary>
public sealed class PostgreyDifferentialTests(ITestOutputHelper output)
{
    private const string Clients = "/etc/postgrey/whitelist_clients";
    private const string Recipients = "/etc/postgrey/whitelist_recipients";

    /// <summary>Where our service answers otherwise than postgrey, deliberately.</summary>
    public enum Difference
    {
        None,

        /// <summary>SASL-authenticated mail is never greylisted (postgrey #70).</summary>
        Authenticated,

        /// <summary>A retry from another address of the sender's SPF pool meets its first attempt (postgrey #49, #57).</summary>
        Pool,

        /// <summary>SRS senders are folded to the original sender (postgrey keys each day's hash anew).</summary>
        Srs,
    }

    private sealed record Attempt(long Time, string Client, string ClientName, string Sender, string Recipient, string? User, Difference Tag);

    [SkippableFact]
    public async Task Same_requests_get_the_same_decisions_as_postgrey_except_the_listed_differences()
    {
        Skip.IfNot(PostgreyProcess.Available, "postgrey is not installed (deps/greylist.txt)");
        Skip.IfNot(File.Exists(Clients) && File.Exists(Recipients), "Debian's postgrey whitelists are not installed");
        var seed = Environment.GetEnvironmentVariable("SPAMTRACE_GREYLIST_SEED") is { } s ? int.Parse(s, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay: SPAMTRACE_GREYLIST_SEED={seed})");
        var attempts = Sequence(new Random(seed));

        using var postgrey = await PostgreyProcess.StartAsync("--delay=300", "--max-age=35", "--retry-window=2", "--auto-whitelist-clients=5",
            $"--whitelist-clients={Clients}", $"--whitelist-recipients={Recipients}", "--greylist-text=Greylisted, retry in %s seconds");
        // Debian's list whitelists google.com and outlook.com by name: the pool here is a provider it does not know.
        var pools = new TablePools(("bigmail.example", "209.85.220.41"), ("bigmail.example", "172.253.63.1"), ("bigmail.example", "74.125.82.5"));
        await using var ours = new GreylistHarness(
            $$"""{ "delay": "300s", "retryWindow": "2d", "maxAge": "35d", "autoWhitelist": 5, "whitelistClients": ["{{Clients}}"], "whitelistRecipients": ["{{Recipients}}"] }""",
            pools: pools, extra: """, "listen": { "tcp": "127.0.0.1:0" }""");
        await using var server = new PolicyServer(ours.Engine, NullLogger.Instance);
        server.Start();
        using var theirSocket = await PolicyTestSupport.ConnectAsync(postgrey.EndPoint);
        using var ourSocket = await PolicyTestSupport.ConnectAsync(server.TcpEndPoint!);

        var counts = new Dictionary<string, int>();
        var unexpected = new List<string>();
        foreach (var a in attempts)
        {
            var request = Request(a);
            var theirs = Classify(await PolicyTestSupport.ExchangeAsync(theirSocket, request));
            ours.Time.Now = DateTimeOffset.FromUnixTimeSeconds(a.Time);
            var mine = Classify(await PolicyTestSupport.ExchangeAsync(ourSocket, request));
            var same = theirs == mine;
            var key = $"{a.Tag}: {(same ? $"same {Kind(mine)}" : $"postgrey {Kind(theirs)}, ours {Kind(mine)}")}";
            counts[key] = counts.GetValueOrDefault(key) + 1;
            // Untagged requests must agree exactly; a tagged one may only differ by our passing what postgrey defers.
            if (!same && (a.Tag == Difference.None || !mine.StartsWith("pass", StringComparison.Ordinal)))
            {
                unexpected.Add($"t={a.Time} {a.Client} ({a.ClientName}) {a.Sender} -> {a.Recipient} user={a.User ?? "-"} [{a.Tag}]: postgrey {theirs}, ours {mine}");
            }
        }
        foreach (var (key, n) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{n,6}  {key}");
        }
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} unexpected differences:\n" + string.Join("\n", unexpected.Take(20)));
        // The sequence exercised every path: deferrals, passes, whitelists, and each deliberate difference.
        Assert.Contains(counts.Keys, k => k.StartsWith("None: same", StringComparison.Ordinal));
        Assert.Contains(counts.Keys, k => k.StartsWith("Authenticated: postgrey greylist, ours pass", StringComparison.Ordinal));
        Assert.Contains(counts.Keys, k => k.StartsWith("Pool: postgrey greylist, ours pass", StringComparison.Ordinal));
        Assert.Contains(counts.Keys, k => k.StartsWith("Srs: postgrey greylist, ours pass", StringComparison.Ordinal));
        Assert.True(ours.Greylister.Metrics.AutoWhitelistedPasses > 0, "no client was auto-whitelisted");
        Assert.True(ours.Greylister.Metrics.Whitelisted > 0, "no whitelist entry matched");
        Assert.True(ours.Greylister.Metrics.Expired > 0, "no first attempt outlived the retry window");
    }

    private static string Kind(string classified) => classified.StartsWith("greylist", StringComparison.Ordinal) ? "greylist" : "pass";

    /// <summary>"greylist N" with the seconds to wait, or "pass" (DUNNO, or postgrey's PREPEND X-Greylist on a first pass).</summary>
    private static string Classify(string? action)
    {
        Assert.NotNull(action);
        if (action.StartsWith("DEFER_IF_PERMIT", StringComparison.Ordinal))
        {
            var words = action.Split(' ');
            var n = Array.IndexOf(words, "in");
            return $"greylist {words[n + 1]}";
        }
        Assert.True(action == "DUNNO" || action.StartsWith("PREPEND X-Greylist:", StringComparison.Ordinal), action);
        return "pass";
    }

    private static string Request(Attempt a) => $"""
        request=smtpd_access_policy
        protocol_state=RCPT
        protocol_name=ESMTP
        client_address={a.Client}
        client_name={a.ClientName}
        reverse_client_name={a.ClientName}
        helo_name={a.ClientName}
        sender={a.Sender}
        recipient={a.Recipient}
        recipient_count=0
        queue_id=
        instance={a.Time:x}.{a.Client.GetHashCode():x}
        sasl_method={(a.User is null ? "" : "PLAIN")}
        sasl_username={a.User ?? ""}
        policy_test_time={a.Time}
        """.Replace("\r\n", "\n") + "\n\n";

    /// <summary>
    /// Messages from real-looking MTAs that retry on their own schedule (some too early, some after the window), bots
    /// that never retry, list mail whose sender changes per message, whitelisted clients and recipients, a client sending
    /// every hour until auto-whitelisted, and the deliberate differences: authenticated users, a Gmail retry from another
    /// pool address, an SRS forwarder whose hash changes.
    /// </summary>
    private static List<Attempt> Sequence(Random random)
    {
        var start = 1_800_000_000L;
        var attempts = new List<Attempt>();
        var names = File.ReadLines(Clients).Select(l => l.Split('#')[0].Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('/') && !char.IsAsciiDigit(l[0]) && !l.Contains(':')).ToList();
        var ips = File.ReadLines(Clients).Select(l => l.Split('#')[0].Trim())
            .Where(l => l.Count(c => c == '.') == 3 && !l.Contains('/') && l.All(c => char.IsAsciiDigit(c) || c == '.')).ToList();
        // Never loopback: Postfix's mynetworks, which we skip and postgrey does not know.
        string Ip() => $"{random.Next(128, 223)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
        long[] retryDelays = [30, 120, 299, 300, 301, 420, 900, 3600, 4 * 3600, 2 * 86400 + 100];
        var mtas = Enumerable.Range(0, 25).Select(i => (Ip: Ip(), Name: $"mx{i}.sender{i}.example")).ToList();
        for (var m = 0; m < 300; m++)
        {
            var t = start + random.Next(0, 3 * 86400);
            var mta = mtas[random.Next(mtas.Count)];
            var recipient = $"user{random.Next(40)}@our.example";
            var sender = random.Next(4) switch
            {
                0 => $"bounce-{random.Next(100000)}@lists.sender.example",
                1 => $"prvs={random.Next(100000, 999999)}abcd=news@sender.example",
                2 => $"list+{random.Next(1000)}=our.example@lists.sender.example",
                _ => $"person{random.Next(5)}@sender.example",
            };
            attempts.Add(new Attempt(t, mta.Ip, mta.Name, sender, recipient, null, Difference.None));
            var retryAt = t;
            for (var r = random.Next(0, 4); r > 0; r--)
            {
                retryAt += retryDelays[random.Next(retryDelays.Length)];
                // Half the retries come from another address of the same /24, as postgrey's lookup-by-subnet expects.
                var client = random.Next(2) == 0 ? mta.Ip : mta.Ip[..(mta.Ip.LastIndexOf('.') + 1)] + random.Next(1, 255);
                attempts.Add(new Attempt(retryAt, client, mta.Name, sender, recipient, null, Difference.None));
            }
        }
        // Bots: one attempt each, never again.
        for (var b = 0; b < 100; b++)
        {
            attempts.Add(new Attempt(start + random.Next(0, 3 * 86400), Ip(), "unknown", $"x{random.Next(10000)}@spam.example", $"user{random.Next(40)}@our.example", null, Difference.None));
        }
        // Whitelisted clients (by name and by address) and recipients.
        foreach (var name in names.OrderBy(_ => random.Next()).Take(10))
        {
            attempts.Add(new Attempt(start + random.Next(0, 86400), Ip(), "smtp1." + name, "a@b.example", "user1@our.example", null, Difference.None));
        }
        foreach (var ip in ips.OrderBy(_ => random.Next()).Take(5))
        {
            attempts.Add(new Attempt(start + random.Next(0, 86400), ip, "unknown", "a@b.example", "user1@our.example", null, Difference.None));
        }
        attempts.Add(new Attempt(start + 500, Ip(), "unknown", "a@b.example", "postmaster@our.example", null, Difference.None));
        attempts.Add(new Attempt(start + 600, Ip(), "unknown", "a@b.example", "abuse+x@our.example", null, Difference.None));
        // One client sending every hour, each time to a new recipient, retrying after 6 minutes: auto-whitelisted after 5.
        var steady = Ip();
        for (var h = 0; h < 9; h++)
        {
            var t = start + 86400 + h * 3700;
            attempts.Add(new Attempt(t, steady, "mail.steady.example", "news@steady.example", $"n{h}@our.example", null, Difference.None));
            attempts.Add(new Attempt(t + 360, steady, "mail.steady.example", "news@steady.example", $"n{h}@our.example", null, Difference.None));
        }
        // Deliberate differences, on clients and recipients of their own so the states of the rest stay comparable.
        for (var u = 0; u < 10; u++)
        {
            attempts.Add(new Attempt(start + random.Next(0, 86400), Ip(), "unknown", $"staff{u}@our.example", $"friend{u}@far.example", $"staff{u}", Difference.Authenticated));
        }
        for (var g = 0; g < 3; g++)
        {
            var t = start + 2 * 86400 + g * 7200;
            attempts.Add(new Attempt(t, "209.85.220.41", "out-41.bigmail.example", $"friend{g}@bigmail.example", $"pool{g}@our.example", null, Difference.Pool));
            attempts.Add(new Attempt(t + 400, g == 2 ? "74.125.82.5" : "172.253.63.1", "out-1.bigmail.example", $"friend{g}@bigmail.example", $"pool{g}@our.example", null, Difference.Pool));
        }
        var forwarder = Ip();
        attempts.Add(new Attempt(start + 1000, forwarder, "fwd.example", "SRS0=a1b2=Q7=origin.example=carol@fwd.example", "srs@our.example", null, Difference.Srs));
        attempts.Add(new Attempt(start + 1400, forwarder, "fwd.example", "SRS0=z9y8=Q8=origin.example=carol@fwd.example", "srs@our.example", null, Difference.Srs));
        return attempts.OrderBy(a => a.Time).ToList();
    }
}
