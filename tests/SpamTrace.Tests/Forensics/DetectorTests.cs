using SpamTrace.Forensics;
using SpamTrace.Logs.Parsing;
using SpamTrace.Reputation;

namespace SpamTrace.Tests.Forensics;

public class DetectorTests
{
    private static readonly DateTime Start = new(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
    private const string Ts03 = "host mta5.am0.yahoodns.net[98.136.96.76] said: 421 4.7.1 [TS03] All messages from [192.0.2.10] will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)";
    private static readonly string[] FreeMail = ["gmail.com", "yahoo.com", "hotmail.com", "aol.com", "outlook.com"];

    private readonly ChainFactory _f = new();
    private readonly DiagnoseObserver _o = new(UidNames.None);
    private readonly Random _rng = new(42);

    /// <summary>24 hours of ordinary users: a few messages each, from one IP each.</summary>
    private void NormalUsers(int users = 8)
    {
        for (var u = 0; u < users; u++)
        {
            var user = $"user{u}@example.org";
            for (var h = 0; h < 24; h += 4)
            {
                _o.OnChain(_f.Sasl(Start.AddHours(h).AddMinutes(_rng.Next(60)), user, $"198.51.100.{u + 1}", user, [$"friend{h}@partner{u}.example"]));
            }
        }
    }

    /// <summary>A newsletter account: 100 messages an hour all day, one IP, one recipient each, 2% bounces, mostly free-mail.</summary>
    private void Newsletter(string login = "news@example.org")
    {
        for (var h = 0; h < 24; h++)
        {
            for (var i = 0; i < 100; i++)
            {
                var domain = i % 4 == 0 ? $"corp{i}.example" : FreeMail[i % FreeMail.Length];
                var t = Start.AddHours(h).AddSeconds(i * 30);
                var chain = i % 50 == 0
                    ? _f.Sasl(t, login, "203.0.113.50", login, [$"sub{h}x{i}@{domain}"], DeliveryStatus.Bounced, "5.1.1", "host mx[192.0.2.1] said: 550 5.1.1 User unknown")
                    : _f.Sasl(t, login, "203.0.113.50", login, [$"sub{h}x{i}@{domain}"]);
                _o.OnChain(chain);
            }
        }
    }

    private void StolenAccount(string login, int fromHour = 20)
    {
        // The real owner before: a couple of messages an hour from home.
        for (var h = 0; h < fromHour; h += 2)
        {
            _o.OnChain(_f.Sasl(Start.AddHours(h).AddMinutes(5), login, "198.51.100.200", login, [$"colleague@partner.example"]));
        }
        // Brute force from the botnet, then the flood from 40 IPs with forged senders.
        for (var i = 0; i < 30; i++)
        {
            _o.OnSessionEvent(_f.AuthFailure(Start.AddHours(fromHour - 1).AddSeconds(i * 10), $"192.0.2.{i % 40 + 1}", null));
        }
        for (var i = 0; i < 400; i++)
        {
            var t = Start.AddHours(fromHour).AddSeconds(i * 20);
            var to = Enumerable.Range(0, 5).Select(k => $"victim{i}x{k}@{(k % 2 == 0 ? FreeMail[k % FreeMail.Length] : $"d{i}x{k}.example")}").ToList();
            var ip = $"192.0.2.{i % 40 + 1}";
            var sender = $"promo{i % 7}@shop{i % 3}.example";
            _o.OnChain(i % 3 == 0
                ? _f.Sasl(t, login, ip, sender, to, DeliveryStatus.Deferred, "4.7.1", Ts03)
                : _f.Sasl(t, login, ip, sender, to));
        }
    }

    private void HackedScript(int uid, string script, int fromHour = 21)
    {
        for (var i = 0; i < 300; i++)
        {
            var t = Start.AddHours(fromHour).AddSeconds(i * 10);
            _o.OnChain(i % 4 == 0
                ? _f.Local(t, uid, "www-data@web.example.org", [$"target{i}@{FreeMail[i % FreeMail.Length]}"], script, DeliveryStatus.Bounced, "5.7.1", "host mx[192.0.2.1] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org")
                : _f.Local(t, uid, "www-data@web.example.org", [$"target{i}@d{i}.example"], script));
        }
        // The daily cron mail of root, legitimate.
        _o.OnChain(_f.Local(Start.AddHours(6), 0, "root@web.example.org", ["admin@external.example"]));
    }

    [Fact]
    public void A_stolen_account_is_named_and_nobody_else()
    {
        NormalUsers();
        Newsletter();
        StolenAccount("bob@example.org");
        var d = Detector.Judge(_o);

        var culprit = Assert.Single(d.Culprits);
        Assert.Equal(new OriginId(CulpritKind.Sasl, "bob@example.org"), culprit.Id);
        var codes = culprit.Evidence.Select(e => e.Code).ToHashSet();
        Assert.Contains("many-client-ips", codes);
        Assert.Contains("brute-force", codes);
        Assert.Contains("sender-mismatch", codes);
        Assert.True(codes.Contains("burst"), string.Join("; ", culprit.Evidence.Select(e => e.Code + " " + e.Text)) + $" since {culprit.SinceUtc}");
        Assert.Contains("deferral-rate", codes);
        // The burst started when the flood did, not at the owner's first message of the day.
        Assert.Equal(Start.AddHours(20), culprit.SinceUtc);
        Assert.Equal(culprit.Score, culprit.Evidence.Sum(e => e.Points));

        var yahoo = Assert.Single(d.Providers);
        Assert.Equal("Yahoo", yahoo.Provider);
        Assert.Equal(ReplyClass.Blocked, yahoo.Class);
        Assert.Contains("TS03", yahoo.Rules);
        Assert.Equal(Start.AddHours(20).AddSeconds(1), yahoo.FirstUtc);
    }

    [Fact]
    public void A_busy_newsletter_with_steady_volume_one_ip_and_few_bounces_is_not_accused()
    {
        NormalUsers();
        Newsletter();
        var d = Detector.Judge(_o);

        Assert.False(d.SpamFound);
        var news = d.Origins.Single(o => o.Id.Key == "news@example.org");
        Assert.False(news.Burst);
        Assert.True(news.Stats.RemoteRecipients == 2400);
        Assert.True(news.AbusePoints == 0, string.Join("; ", news.Evidence.Select(e => e.Text)));
    }

    [Fact]
    public void A_newsletter_sent_in_one_hour_a_day_is_a_burst_but_not_abuse()
    {
        NormalUsers();
        for (var i = 0; i < 2000; i++)
        {
            _o.OnChain(_f.Sasl(Start.AddHours(10).AddSeconds(i), "news@example.org", "203.0.113.50", "news@example.org", [$"sub{i}@{FreeMail[i % FreeMail.Length]}"]));
        }
        var d = Detector.Judge(_o);
        var news = d.Origins.Single(o => o.Id.Key == "news@example.org");
        Assert.True(news.Burst);
        Assert.False(news.IsCulprit);
        Assert.False(d.SpamFound);
    }

    [Fact]
    public void A_hacked_script_is_named_with_its_uid_and_script_not_the_cron_mail()
    {
        NormalUsers();
        HackedScript(33, "wp-cache.php");
        var d = Detector.Judge(_o);

        var culprit = Assert.Single(d.Culprits);
        Assert.Equal(new OriginId(CulpritKind.Local, "33"), culprit.Id);
        Assert.Equal("wp-cache.php", Assert.Single(culprit.Stats.Scripts.Counts).Key);
        Assert.Contains(culprit.Actions.Count == 0 ? ActionPlanner.For(culprit) : culprit.Actions, a => a.Command?.Contains("wp-cache.php", StringComparison.Ordinal) == true);
        Assert.Contains(d.Providers, p => p.Provider == "Spamhaus");
    }

    [Fact]
    public void An_open_relay_client_is_named_not_the_local_web_application()
    {
        NormalUsers();
        // A web application on this host relays its order mails through 127.0.0.1 without logging in: legitimate.
        for (var h = 0; h < 24; h++)
        {
            _o.OnChain(_f.Relay(Start.AddHours(h), "127.0.0.1", "shop@example.org", [$"customer{h}@gmail.com"]));
        }
        for (var i = 0; i < 50; i++)
        {
            _o.OnSessionEvent(_f.RelayDenied(Start.AddHours(3).AddMinutes(i), $"203.0.113.{i % 20 + 1}", $"x{i}@example.net"));
        }
        for (var i = 0; i < 200; i++)
        {
            var to = Enumerable.Range(0, 10).Select(k => $"r{i}x{k}@d{(i * 10) + k}.example").ToList();
            _o.OnChain(i % 2 == 0
                ? _f.Relay(Start.AddHours(22).AddSeconds(i * 5), "192.0.2.66", $"x{i}@spam.example", to, DeliveryStatus.Bounced, "5.1.1", "host mx[192.0.2.1] said: 550 5.1.1 <r@x>: Recipient address rejected: User unknown", helo: "<script>alert(1)</script>")
                : _f.Relay(Start.AddHours(22).AddSeconds(i * 5), "192.0.2.66", $"x{i}@spam.example", to));
        }
        var d = Detector.Judge(_o);

        var culprit = Assert.Single(d.Culprits);
        Assert.Equal(new OriginId(CulpritKind.Relay, "192.0.2.66"), culprit.Id);
        Assert.False(d.Origins.Single(o => o.Id.Key == "127.0.0.1").IsCulprit);
    }

    [Fact]
    public void Backscatter_is_named_as_bounces()
    {
        NormalUsers();
        for (var i = 0; i < 150; i++)
        {
            var to = $"forged{i}@d{i % 60}.example";
            _o.OnChain(i % 2 == 0
                ? _f.Bounce(Start.AddHours(23).AddSeconds(i * 10), to, DeliveryStatus.Bounced, "5.1.1", "host mx[192.0.2.1] said: 550 5.1.1 User unknown")
                : _f.Bounce(Start.AddHours(23).AddSeconds(i * 10), to));
        }
        var d = Detector.Judge(_o);
        var culprit = Assert.Single(d.Culprits);
        Assert.Equal(CulpritKind.Bounce, culprit.Id.Kind);
        Assert.Equal("", culprit.Id.Key);
        Assert.Contains(culprit.Evidence, e => e.Code == "backscatter");
    }

    [Fact]
    public void Several_culprits_at_once_are_all_reported()
    {
        NormalUsers();
        Newsletter();
        StolenAccount("carol@example.org", fromHour: 18);
        HackedScript(1001, "contact.php", fromHour: 19);
        var d = Detector.Judge(_o);
        Assert.Equal(
            new[] { new OriginId(CulpritKind.Local, "1001"), new OriginId(CulpritKind.Sasl, "carol@example.org") }.OrderBy(x => x.ToString()),
            d.Culprits.Select(c => c.Id).OrderBy(x => x.ToString()));
    }

    [Fact]
    public void No_mail_at_all_is_no_spam()
    {
        var d = Detector.Judge(_o);
        Assert.False(d.SpamFound);
        Assert.Empty(d.Origins);
        Assert.Contains(d.Notes, n => n.Contains("No message", StringComparison.Ordinal));
    }

    [Fact]
    public void Inbound_mail_is_not_attributed()
    {
        _o.OnChain(_f.Inbound(Start, "203.0.113.9", "someone@example.net", "user0@example.org"));
        var d = Detector.Judge(_o);
        Assert.Empty(d.Origins);
        Assert.Equal(1, d.Chains);
    }

    [Fact]
    public void Small_senders_are_never_culprits_whatever_they_look_like()
    {
        for (var i = 0; i < Detector.MinimumVolume - 1; i++)
        {
            _o.OnChain(_f.Sasl(Start.AddMinutes(i), "dave", $"192.0.2.{i + 1}", $"x{i}@forged.example", [$"a{i}@gmail.com"], DeliveryStatus.Deferred, "4.7.1", Ts03));
        }
        Assert.False(Detector.Judge(_o).SpamFound);
    }
}
