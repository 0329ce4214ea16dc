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

    [Fact]
    public void On_a_server_whose_users_all_roam_and_bounce_a_little_only_the_outlier_is_accused()
    {
        // 40 users, each message from another IP (mobile), 15% bounces: normal here.
        for (var u = 0; u < 40; u++)
        {
            for (var i = 0; i < 30; i++)
            {
                var t = Start.AddHours(i * 0.7).AddMinutes(u);
                var user = $"roamer{u}@example.org";
                var ip = $"10.{u}.{i}.7";
                _o.OnChain(i % 7 == 0
                    ? _f.Sasl(t, user, ip, user, [$"c{i}@d{u}x{i}.example"], DeliveryStatus.Bounced, "5.1.1", "host mx[192.0.2.1] said: 550 5.1.1 User unknown")
                    : _f.Sasl(t, user, ip, user, [$"c{i}@d{u}x{i}.example"]));
            }
        }
        StolenAccount("victim@example.org");
        var d = Detector.Judge(_o);
        Assert.Equal(new OriginId(CulpritKind.Sasl, "victim@example.org"), Assert.Single(d.Culprits).Id);
        Assert.All(d.Origins.Where(o => o.Id.Key.StartsWith("roamer", StringComparison.Ordinal)), o => Assert.DoesNotContain(o.Evidence, e => e.Code is "many-client-ips" or "bounce-rate"));
    }

    [Fact]
    public void Greylisting_is_not_a_sign_of_abuse()
    {
        for (var i = 0; i < 20; i++)
        {
            _o.OnChain(_f.Sasl(Start.AddMinutes(i), "erin@example.org", "198.51.100.9", "erin@example.org", [$"p{i}@greylist.example"], DeliveryStatus.Deferred, "4.2.0",
                "host mx[192.0.2.1] said: 450 4.2.0 <p@greylist.example>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/greylist.example.html"));
        }
        var d = Detector.Judge(_o);
        var erin = Assert.Single(d.Origins);
        Assert.DoesNotContain(erin.Evidence, e => e.Code == "deferral-rate");
        Assert.Equal(0, erin.Stats.DeferredOnce);
    }

    [Fact]
    public void Internet_mail_for_our_relay_domain_is_not_an_open_relay_but_relaying_elsewhere_is()
    {
        // smtpd told us legacy.example is ours (relay recipient table), its backend refuses unknown users.
        _o.OnSessionEvent(new SpamTrace.Logs.Correlation.SessionEvent
        {
            Kind = SpamTrace.Logs.Correlation.SessionEventKind.Reject,
            Host = "mx1",
            TimeUtc = Start,
            ClientIp = "203.0.113.1",
            To = "nobody@legacy.example",
            Text = "<nobody@legacy.example>: Recipient address rejected: User unknown in relay recipient table",
            Code = "550 5.1.1",
            Action = "reject",
        });
        for (var i = 0; i < 6; i++)
        {
            _o.OnChain(_f.Relay(Start.AddMinutes(i), $"203.0.113.{10 + i}", $"forged{i}@gmail.com", [$"gone{i}@legacy.example", $"old{i}@legacy.example"], DeliveryStatus.Bounced, "5.1.1", "host backend[192.0.2.9] said: 550 5.1.1 User unknown"));
        }
        for (var i = 0; i < 6; i++)
        {
            _o.OnChain(_f.Relay(Start.AddMinutes(30 + i), $"198.18.0.{10 + i}", $"x{i}@spam.example", [$"v{i}@yahoo.com", $"w{i}@d{i}.example"], DeliveryStatus.Deferred, "4.7.1", Ts03));
        }
        var d = Detector.Judge(_o);
        var named = d.Culprits.Select(c => c.Id.Key).Order().ToList();
        Assert.Equal(Enumerable.Range(10, 6).Select(i => $"198.18.0.{i}").Order().ToList(), named);
    }

    [Fact]
    public void Bounces_of_a_culprits_own_spam_are_not_backscatter()
    {
        NormalUsers();
        var causes = new List<SpamTrace.Logs.Correlation.MessageChain>();
        for (var i = 0; i < 30; i++)
        {
            var chain = _f.Sasl(Start.AddHours(20).AddSeconds(i), "bob@example.org", $"192.0.2.{i + 1}", $"s{i}@forged{i}.example", [$"gone{i}@d{i}.example"], DeliveryStatus.Bounced, "5.1.1", "host mx[192.0.2.1] said: 550 5.1.1 User unknown");
            _o.OnChain(chain);
            causes.Add(chain);
        }
        // Each bounce goes back to the forged sender, an external address.
        foreach (var (cause, i) in causes.Select((c, i) => (c, i)))
        {
            var bounce = _f.Bounce(Start.AddHours(20).AddSeconds(i + 1), $"s{i}@forged{i}.example");
            _o.OnChain(new SpamTrace.Logs.Correlation.MessageChain(bounce.Hops, new SpamTrace.Logs.Correlation.ChainLink("mx1", cause.Root.QueueId), false));
        }
        var d = Detector.Judge(_o);
        Assert.Equal(new OriginId(CulpritKind.Sasl, "bob@example.org"), Assert.Single(d.Culprits).Id);
        var bounces = d.Origins.Single(o => o.Id.Kind == CulpritKind.Bounce);
        Assert.Contains(bounces.Evidence, e => e.Code == "bounces-of-culprits");
    }
}
