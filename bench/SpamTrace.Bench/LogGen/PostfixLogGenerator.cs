using System.Globalization;
using System.Text;

namespace SpamTrace.Bench.LogGen;

/// <summary>
/// Writes a deterministic (seeded), realistic, interleaved mail log of an iRedMail-like server: Postfix with
/// amavisd-new on 127.0.0.1:10024 re-injecting on 10025, Dovecot LMTP/IMAP/SASL. Traffic: inbound mail,
/// SASL submissions, PHP mail() through pickup, remote bounces with non-delivery notifications, Yahoo TS03
/// deferrals and retries, NOQUEUE rejects, SASL password guessing, IMAP logins; and, in the middle, an
/// incident: one stolen SASL account sending bulk mail from hundreds of addresses.
/// </summary>
public sealed class PostfixLogGenerator
{
    private const string OurIp = "198.51.100.25";
    /// <summary>iRedMail's master.cf names the content-filter transport and the re-injection listener (syslog_name).</summary>
    private const string ToFilter = "postfix/amavis/smtp";
    private const string Reinjector = "postfix/10025/smtpd";
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly GeneratorOptions _options;
    private readonly Random _random;
    private readonly Population _people;
    private readonly QueueIdAllocator _queueIds;
    private readonly PriorityQueue<string, (long Ticks, long Seq)> _pending = new();
    private long _seq;
    private DateTime _clock;
    private DateTime _lastWritten;
    private long _written;
    private readonly string _stolenAccount;
    /// <summary>Until when Postfix's dead-host cache keeps Yahoo's MX suspended after a TS03 refusal.</summary>
    private DateTime _yahooSuspendedUntil;

    public PostfixLogGenerator(GeneratorOptions options)
    {
        _options = options;
        _random = new Random(options.Seed);
        _people = new Population(_random);
        _queueIds = new QueueIdAllocator(_random);
        _clock = options.Start;
        _stolenAccount = "info@" + Population.LocalDomains[0];
    }

    public long Lines { get; private set; }
    public long Messages { get; private set; }
    public long IncidentMessages { get; private set; }
    public long ReusedQueueIds => _queueIds.ReusedIds;
    public DateTime LastTime => _lastWritten;

    /// <summary>Writes until the target size is reached, then lets the open messages finish.</summary>
    public void Write(Stream output)
    {
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 20, leaveOpen: true);
        while (_written < _options.TargetBytes)
        {
            _clock = _clock.AddSeconds(-Math.Log(1 - _random.NextDouble()) * _options.MeanArrivalSeconds);
            Flush(writer, _clock);
            NewArrival();
        }
        Flush(writer, DateTime.MaxValue);
    }

    private void Flush(StreamWriter writer, DateTime until)
    {
        var sb = new StringBuilder(512);
        while (_pending.TryPeek(out _, out var key) && key.Ticks <= until.Ticks)
        {
            var text = _pending.Dequeue();
            var time = new DateTime(key.Ticks);
            sb.Clear();
            AppendTimestamp(sb, time);
            sb.Append(' ').Append(_options.Host).Append(' ').Append(text).Append('\n');
            writer.Write(sb);
            _written += sb.Length;
            _lastWritten = time;
            Lines++;
        }
    }

    private void AppendTimestamp(StringBuilder sb, DateTime time)
    {
        if (_options.Rfc3339)
        {
            sb.Append(time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append("+01:00");
            return;
        }
        // Classic syslog: "Jan  5 06:07:08", the day padded with a space.
        sb.Append(Months[time.Month - 1]).Append(' ');
        if (time.Day < 10)
        {
            sb.Append(' ');
        }
        sb.Append(time.Day.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(time.ToString("HH:mm:ss", CultureInfo.InvariantCulture));
    }

    private void Log(DateTime time, string program, int pid, string message) =>
        _pending.Enqueue($"{program}[{pid}]: {message}", (time.Ticks, _seq++));

    private bool InIncident => _written > _options.TargetBytes * 0.45 && _written < _options.TargetBytes * 0.55;

    private void NewArrival()
    {
        if (InIncident && _random.Next(100) < 60)
        {
            StolenAccountBurst();
            return;
        }
        var roll = _random.Next(1000);
        switch (roll)
        {
            case < 380: Inbound(); break;
            case < 560: Submission(_people.LocalUser(), _people.PublicIp(), incident: false); break;
            case < 600: PhpMail(); break;
            case < 760: NoqueueReject(); break;
            case < 860: SaslFailure(); break;
            case < 990: ImapSession(); break;
            default: Anvil(); break;
        }
    }

    private int Pid() => _random.Next(1200, 32000);

    private static string Seconds(double s) => s < 0.01 ? "0" : s < 10 ? s.ToString("0.##", CultureInfo.InvariantCulture) : s.ToString("0", CultureInfo.InvariantCulture);

    private double Jitter(double min, double max) => min + (_random.NextDouble() * (max - min));

    private string MessageId(string domain) => _random.Next(3) switch
    {
        0 => $"<{_people.Hex(32)}@{domain}>",
        1 => $"<{_clock:yyyyMMddHHmmss}.{_people.Base64ish(10)}@{domain}>",
        _ => $"<CA+{_people.Base64ish(24)}@mail.{domain}>",
    };

    // A remote server delivers to one of our users: smtpd -> amavis (10024) -> smtpd (10025) -> Dovecot LMTP.
    private void Inbound()
    {
        var (name, ip) = _random.Next(8) == 0 ? ("unknown", _people.PublicIp()) : _people.RemoteServer();
        var sender = _people.RemoteAddress();
        var recipients = Enumerable.Range(0, _random.Next(10) == 0 ? _random.Next(2, 4) : 1).Select(_ => _people.LocalUser()).Distinct().ToList();
        var t = _clock;
        var smtpd = Pid();
        Log(t, "postfix/smtpd", smtpd, $"connect from {name}[{ip}]");
        t = t.AddSeconds(Jitter(0.05, 0.4));
        Log(t, "postfix/smtpd", smtpd, $"Anonymous TLS connection established from {name}[{ip}]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256");
        var spam = _random.Next(12) == 0;
        var size = _random.Next(1800, 90000);
        var end = t.AddSeconds(Jitter(2, 8));
        var q1 = _queueIds.Allocate(t, end);
        t = t.AddSeconds(Jitter(0.1, 0.6));
        Log(t, "postfix/smtpd", smtpd, $"{q1}: client={name}[{ip}]");
        var messageId = MessageId(sender[(sender.IndexOf('@') + 1)..]);
        t = t.AddSeconds(Jitter(0.05, 0.3));
        Log(t, "postfix/cleanup", Pid(), $"{q1}: message-id={messageId}");
        t = t.AddSeconds(0.01);
        Log(t, "postfix/qmgr", 1187, $"{q1}: from=<{sender}>, size={size}, nrcpt={recipients.Count} (queue active)");
        Log(t.AddSeconds(Jitter(0.02, 0.2)), "postfix/smtpd", smtpd, $"disconnect from {name}[{ip}] ehlo=2 starttls=1 mail=1 rcpt={recipients.Count} data=1 quit=1 commands={6 + recipients.Count}");
        Messages++;

        var scanned = t.AddSeconds(Jitter(0.8, 4));
        var amavisPid = _random.Next(3100, 3140);
        var amavisId = $"({amavisPid:00000}-{_random.Next(1, 40):00})";
        var rcptList = string.Join(",", recipients.Select(r => $"<{r}>"));
        if (spam)
        {
            Log(scanned, "amavis", amavisPid, $"{amavisId} Blocked SPAM {{DiscardedInbound,Quarantined}}, [{ip}]:{_random.Next(30000, 65000)} [{ip}] <{sender}> -> {rcptList}, quarantine: spam-{_people.Base64ish(12)}, Queue-ID: {q1}, Message-ID: {messageId}, mail_id: {_people.Base64ish(12)}, Hits: {Jitter(6.5, 25):0.###}, size: {size}, {(int)((scanned - t).TotalMilliseconds)} ms");
            foreach (var r in recipients)
            {
                Log(scanned.AddSeconds(0.01), ToFilter, Pid(), $"{q1}: to=<{r}>, relay=127.0.0.1[127.0.0.1]:10024, delay={Seconds((scanned - _clock).TotalSeconds)}, delays=0.4/0/0/{Seconds((scanned - t).TotalSeconds)}, dsn=2.7.0, status=sent (250 2.7.0 Ok, discarded, id={amavisPid:00000}-{_random.Next(1, 40):00} - spam)");
            }
            Log(scanned.AddSeconds(0.02), "postfix/qmgr", 1187, $"{q1}: removed");
            return;
        }
        var q2 = Reinject(scanned, q1, name, ip, sender, messageId, size, recipients.Count, out var reinjected);
        Log(scanned.AddSeconds(0.002), "amavis", amavisPid, $"{amavisId} Passed CLEAN {{RelayedInbound}}, [{ip}]:{_random.Next(30000, 65000)} [{ip}] <{sender}> -> {rcptList}, Queue-ID: {q1}, Message-ID: {messageId}, mail_id: {_people.Base64ish(12)}, Hits: {Jitter(-3, 4):0.###}, size: {size}, queued_as: {q2}, {(int)((scanned - t).TotalMilliseconds)} ms");
        var smtp = Pid();
        foreach (var r in recipients)
        {
            Log(scanned.AddSeconds(0.003), ToFilter, smtp, $"{q1}: to=<{r}>, relay=127.0.0.1[127.0.0.1]:10024, delay={Seconds((scanned - _clock).TotalSeconds)}, delays=0.5/0/0/{Seconds((scanned - t).TotalSeconds)}, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as {q2})");
        }
        Log(scanned.AddSeconds(0.004), "postfix/qmgr", 1187, $"{q1}: removed");
        var lmtp = Pid();
        var delivered = reinjected.AddSeconds(Jitter(0.03, 0.3));
        foreach (var r in recipients)
        {
            var session = _people.Base64ish(22);
            Log(delivered, "dovecot", _random.Next(20000, 30000), $"lmtp({r})<{_random.Next(20000, 30000)}><{session}>: msgid={messageId}: saved mail to INBOX");
            Log(delivered.AddSeconds(0.001), "postfix/lmtp", lmtp, $"{q2}: to=<{r}>, relay={_options.Host}.{Population.LocalDomains[0]}[private/dovecot-lmtp], delay={Seconds((delivered - reinjected).TotalSeconds + 0.01)}, delays=0.01/0.01/0.01/0.05, dsn=2.0.0, status=sent (250 2.0.0 <{r}> {session} Saved)");
        }
        Log(delivered.AddSeconds(0.002), "postfix/qmgr", 1187, $"{q2}: removed");
    }

    /// <summary>amavis hands the clean message back on 127.0.0.1:10025, which logs XFORWARD's orig_queue_id and orig_client.</summary>
    private string Reinject(DateTime at, string parent, string name, string ip, string sender, string messageId, int size, int nrcpt, out DateTime queued)
    {
        var pid = Pid();
        var child = _queueIds.Allocate(at, at.AddSeconds(5));
        Log(at.AddSeconds(-0.02), Reinjector, pid, "connect from localhost[127.0.0.1]");
        Log(at.AddSeconds(-0.015), Reinjector, pid, $"{child}: client=localhost[127.0.0.1], orig_queue_id={parent}, orig_client={name}[{ip}]");
        Log(at.AddSeconds(-0.01), "postfix/cleanup", Pid(), $"{child}: message-id={messageId}");
        Log(at.AddSeconds(-0.005), "postfix/qmgr", 1187, $"{child}: from=<{sender}>, size={size + _random.Next(600, 1400)}, nrcpt={nrcpt} (queue active)");
        Log(at.AddSeconds(0.005), Reinjector, pid, $"disconnect from localhost[127.0.0.1] ehlo=1 xforward=2 mail=1 rcpt={nrcpt} data=1 quit=1 commands={6 + nrcpt}");
        queued = at;
        return child;
    }

    // One of our users (or the thief using their password) sends through submission with SASL.
    private void Submission(string user, string ip, bool incident)
    {
        var t = _clock;
        var pid = Pid();
        var name = _random.Next(3) == 0 ? "unknown" : $"{_people.Word()}-{ip.Replace('.', '-')}.dyn.{_people.Word()}.net";
        Log(t, "postfix/submission/smtpd", pid, $"connect from {name}[{ip}]");
        t = t.AddSeconds(Jitter(0.2, 0.9));
        var recipients = incident
            ? Enumerable.Range(0, _random.Next(5, 25)).Select(_ => _people.RemoteAddress()).Distinct().ToList()
            : Enumerable.Range(0, _random.Next(6) == 0 ? _random.Next(2, 5) : 1).Select(_ => _random.Next(5) == 0 ? _people.LocalUser() : _people.RemoteAddress()).Distinct().ToList();
        var q1 = _queueIds.Allocate(t, t.AddSeconds(6));
        Log(t, "postfix/submission/smtpd", pid, $"{q1}: client={name}[{ip}], sasl_method={(_random.Next(3) == 0 ? "PLAIN" : "LOGIN")}, sasl_username={user}");
        var messageId = MessageId(user[(user.IndexOf('@') + 1)..]);
        t = t.AddSeconds(Jitter(0.05, 0.4));
        Log(t, "postfix/cleanup", Pid(), $"{q1}: message-id={messageId}");
        var size = incident ? _random.Next(3000, 9000) : _random.Next(900, 250000);
        Log(t.AddSeconds(0.01), "postfix/qmgr", 1187, $"{q1}: from=<{user}>, size={size}, nrcpt={recipients.Count} (queue active)");
        Log(t.AddSeconds(Jitter(0.05, 0.3)), "postfix/submission/smtpd", pid, $"disconnect from {name}[{ip}] ehlo=2 starttls=1 auth=1 mail=1 rcpt={recipients.Count} data=1 quit=1 commands={7 + recipients.Count}");
        Messages++;
        if (incident)
        {
            IncidentMessages++;
        }
        Outbound(t, q1, name, ip, user, messageId, size, recipients, incident);
    }

    /// <summary>Through amavis and out to the recipients' servers, with deferrals, retries and bounces.</summary>
    private void Outbound(DateTime t, string q1, string name, string ip, string sender, string messageId, int size, List<string> recipients, bool incident)
    {
        var scanned = t.AddSeconds(Jitter(0.5, 3));
        var amavisPid = _random.Next(3100, 3140);
        var q2 = Reinject(scanned, q1, name, ip, sender, messageId, size, recipients.Count, out var queued);
        var rcptList = string.Join(",", recipients.Select(r => $"<{r}>"));
        Log(scanned.AddSeconds(0.002), "amavis", amavisPid, $"({amavisPid:00000}-{_random.Next(1, 40):00}) Passed CLEAN {{RelayedOutbound}}, ORIGINATING LOCAL [{ip}]:{_random.Next(30000, 65000)} [{ip}] <{sender}> -> {rcptList}, Queue-ID: {q1}, Message-ID: {messageId}, mail_id: {_people.Base64ish(12)}, Hits: {Jitter(-2, 3):0.###}, size: {size}, queued_as: {q2}, {(int)((scanned - t).TotalMilliseconds)} ms");
        var smtp = Pid();
        foreach (var r in recipients)
        {
            Log(scanned.AddSeconds(0.003), ToFilter, smtp, $"{q1}: to=<{r}>, relay=127.0.0.1[127.0.0.1]:10024, delay={Seconds((scanned - t).TotalSeconds + 0.4)}, delays=0.4/0/0/{Seconds((scanned - t).TotalSeconds)}, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as {q2})");
        }
        Log(scanned.AddSeconds(0.004), "postfix/qmgr", 1187, $"{q1}: removed");

        var last = queued;
        var bounced = new List<string>();
        foreach (var r in recipients)
        {
            var at = queued.AddSeconds(Jitter(0.3, 2.5));
            var domain = r[(r.IndexOf('@') + 1)..];
            if (Population.LocalDomains.Contains(domain))
            {
                var session = _people.Base64ish(22);
                Log(at, "postfix/lmtp", Pid(), $"{q2}: to=<{r}>, relay={_options.Host}.{Population.LocalDomains[0]}[private/dovecot-lmtp], delay={Seconds((at - t).TotalSeconds)}, delays=0.02/0.01/0.01/0.06, dsn=2.0.0, status=sent (250 2.0.0 <{r}> {session} Saved)");
                last = at > last ? at : last;
                continue;
            }
            var (mx, mxIp) = RemoteMx(domain);
            var outcome = _random.Next(100);
            var yahoo = domain.StartsWith("yahoo", StringComparison.Ordinal) || domain == "aol.com";
            if (yahoo && (incident ? outcome < 70 : outcome < 8))
            {
                // Yahoo throttles at connect time (TS03): deferred now, retried by the queue manager later; the
                // other recipients of the same delivery run are then deferred by the error agent without a connection.
                var attempt = at;
                var retries = _random.Next(1, 4);
                for (var i = 0; i <= retries; i++)
                {
                    var deferredNow = i < retries || incident;
                    var delay = Seconds((attempt - t).TotalSeconds);
                    var refused = $"host {mx}[{mxIp}] refused to talk to me: 421 4.7.0 [TS03] All messages from [{OurIp}] will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes";
                    if (!deferredNow)
                    {
                        Log(attempt, "postfix/smtp", Pid(), $"{q2}: to=<{r}>, relay={mx}[{mxIp}]:25, delay={delay}, delays={Seconds((attempt - t).TotalSeconds - 1.2)}/0.01/0.6/0.6, dsn=2.0.0, status=sent (250 ok dirdel)");
                    }
                    else if (_yahooSuspendedUntil > attempt)
                    {
                        Log(attempt, "postfix/error", Pid(), $"{q2}: to=<{r}>, relay=none, delay={delay}, delays={delay}/0/0/0, dsn=4.7.0, status=deferred (delivery temporarily suspended: {refused})");
                    }
                    else
                    {
                        Log(attempt, "postfix/smtp", Pid(), $"{q2}: to=<{r}>, relay={mx}[{mxIp}]:25, delay={delay}, delays={Seconds((attempt - t).TotalSeconds - 0.9)}/0.01/0.9/0, dsn=4.7.0, status=deferred ({refused})");
                        _yahooSuspendedUntil = attempt.AddSeconds(_random.Next(30, 300));
                    }
                    last = attempt > last ? attempt : last;
                    if (!deferredNow || i == retries)
                    {
                        break;
                    }
                    attempt = attempt.AddSeconds(Jitter(300, 1200) * (i + 1));
                    Log(attempt.AddSeconds(-0.5), "postfix/qmgr", 1187, $"{q2}: from=<{sender}>, size={size + 900}, nrcpt={recipients.Count} (queue active)");
                }
                continue;
            }
            if (outcome < (incident ? 85 : 12))
            {
                var reply = _random.Next(3) switch
                {
                    0 => $"550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser a640c23a62f3a-{_people.Hex(12)}si{_random.Next(1000000)}.{_random.Next(1000)} - gsmtp (in reply to RCPT TO command)",
                    1 => $"550 5.7.1 Service unavailable, Client host [{OurIp}] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/{OurIp} AS(1450) (in reply to RCPT TO command)",
                    2 when domain is "hotmail.com" or "outlook.com" => $"550 5.7.1 Unfortunately, messages from [{OurIp}] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [{_people.Base64ish(20)}.eop-EUR01.prod.protection.outlook.com] (in reply to MAIL FROM command)",
                    _ => $"554 5.7.1 <{r}>: Recipient address rejected: Access denied (in reply to RCPT TO command)",
                };
                var dsn = reply.Contains("5.1.1", StringComparison.Ordinal) ? "5.1.1" : "5.7.1";
                Log(at, "postfix/smtp", Pid(), $"{q2}: to=<{r}>, relay={mx}[{mxIp}]:25, delay={Seconds((at - t).TotalSeconds)}, delays=0.5/0.01/0.6/0.3, dsn={dsn}, status=bounced (host {mx}[{mxIp}] said: {reply})");
                bounced.Add(r);
                last = at > last ? at : last;
                continue;
            }
            var remoteId = _people.Base64ish(12);
            Log(at, "postfix/smtp", Pid(), $"{q2}: to=<{r}>, relay={mx}[{mxIp}]:25, delay={Seconds((at - t).TotalSeconds)}, delays=0.5/0.01/0.4/0.6, dsn=2.0.0, status=sent (250 2.0.0 OK  {new DateTimeOffset(at, TimeSpan.Zero).ToUnixTimeSeconds()} {remoteId} - gsmtp)");
            last = at > last ? at : last;
        }
        if (bounced.Count > 0)
        {
            var notify = last.AddSeconds(0.01);
            var q3 = _queueIds.Allocate(notify, notify.AddSeconds(2));
            Log(notify, "postfix/cleanup", Pid(), $"{q3}: message-id=<{notify:yyyyMMddHHmmss}.{q3}@{_options.Host}.{Population.LocalDomains[0]}>");
            Log(notify.AddSeconds(0.001), "postfix/bounce", Pid(), $"{q2}: sender non-delivery notification: {q3}");
            Log(notify.AddSeconds(0.002), "postfix/qmgr", 1187, $"{q3}: from=<>, size={3000 + _random.Next(4000)}, nrcpt=1 (queue active)");
            var senderDomain = sender[(sender.IndexOf('@') + 1)..];
            if (Population.LocalDomains.Contains(senderDomain))
            {
                Log(notify.AddSeconds(0.05), "postfix/lmtp", Pid(), $"{q3}: to=<{sender}>, relay={_options.Host}.{Population.LocalDomains[0]}[private/dovecot-lmtp], delay=0.06, delays=0.01/0.01/0.01/0.03, dsn=2.0.0, status=sent (250 2.0.0 <{sender}> {_people.Base64ish(22)} Saved)");
            }
            else
            {
                Log(notify.AddSeconds(0.05), "postfix/local", Pid(), $"{q3}: to=<www-data@{_options.Host}.{Population.LocalDomains[0]}>, orig_to=<{sender}>, relay=local, delay=0.06, delays=0.01/0.01/0/0.04, dsn=2.0.0, status=sent (delivered to mailbox)");
            }
            Log(notify.AddSeconds(0.06), "postfix/qmgr", 1187, $"{q3}: removed");
        }
        Log(last.AddSeconds(0.01), "postfix/qmgr", 1187, $"{q2}: removed");
    }

    private (string Name, string Ip) RemoteMx(string domain) => domain switch
    {
        "gmail.com" => ($"gmail-smtp-in.l.google.com", $"142.250.{_random.Next(100, 160)}.{_random.Next(1, 30)}"),
        "yahoo.com" or "yahoo.co.uk" or "aol.com" => ($"mta{_random.Next(5, 8)}.am0.yahoodns.net", $"67.195.204.{_random.Next(70, 80)}"),
        "hotmail.com" or "outlook.com" => ($"{domain.Replace('.', '-')}.olc.protection.outlook.com", $"52.101.{_random.Next(0, 200)}.{_random.Next(1, 30)}"),
        _ => ($"mx{_random.Next(1, 3)}.{domain}", _people.PublicIp()),
    };

    // A PHP script on a hosted site calls mail(): pickup, header_checks info on X-PHP-Originating-Script.
    private void PhpMail()
    {
        var t = _clock;
        var recipient = _people.RemoteAddress();
        var script = _random.Next(4) switch { 0 => "contact.php", 1 => "wp-includes/class-phpmailer.php", 2 => "index.php", _ => "newsletter/send.php" };
        var from = $"www-data@{_options.Host}.{Population.LocalDomains[0]}";
        var q1 = _queueIds.Allocate(t, t.AddSeconds(5));
        Log(t, "postfix/pickup", 1190, $"{q1}: uid=33 from=<www-data>");
        var messageId = $"<{_people.Hex(32)}@{Population.LocalDomains[_random.Next(Population.LocalDomains.Length)]}>";
        Log(t.AddSeconds(0.01), "postfix/cleanup", Pid(), $"{q1}: info: header X-PHP-Originating-Script: 33:{script} from local; from=<{from}>");
        Log(t.AddSeconds(0.012), "postfix/cleanup", Pid(), $"{q1}: message-id={messageId}");
        var size = _random.Next(700, 6000);
        Log(t.AddSeconds(0.02), "postfix/qmgr", 1187, $"{q1}: from=<{from}>, size={size}, nrcpt=1 (queue active)");
        Messages++;
        Outbound(t.AddSeconds(0.02), q1, "localhost", "127.0.0.1", from, messageId, size, [recipient], incident: false);
    }

    private void NoqueueReject()
    {
        var t = _clock;
        var pid = Pid();
        var (name, ip) = _random.Next(2) == 0 ? ("unknown", _people.PublicIp()) : _people.RemoteServer();
        var helo = name == "unknown" ? $"[{ip}]" : name;
        Log(t, "postfix/smtpd", pid, $"connect from {name}[{ip}]");
        var sender = _people.RemoteAddress();
        var (rcpt, reply) = _random.Next(4) switch
        {
            0 => (_people.RemoteAddress(), "454 4.7.1 <{0}>: Relay access denied"),
            1 => (_people.LocalUser(), $"554 5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/{ip}"),
            2 => ($"{_people.Word()}@{Population.LocalDomains[_random.Next(3)]}", "550 5.1.1 <{0}>: Recipient address rejected: User unknown in virtual mailbox table"),
            _ => (_people.LocalUser(), $"450 4.7.1 Client host rejected: cannot find your reverse hostname, [{ip}]"),
        };
        reply = reply.Replace("{0}", rcpt, StringComparison.Ordinal);
        t = t.AddSeconds(Jitter(0.3, 2));
        Log(t, "postfix/smtpd", pid, $"NOQUEUE: reject: RCPT from {name}[{ip}]: {reply}; from=<{sender}> to=<{rcpt}> proto=ESMTP helo=<{helo}>");
        Log(t.AddSeconds(Jitter(0.1, 1)), "postfix/smtpd", pid, $"disconnect from {name}[{ip}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4");
    }

    // Password guessing against submission, seen by Postfix and by Dovecot's auth service.
    private void SaslFailure()
    {
        var t = _clock;
        var pid = Pid();
        var ip = _people.BotnetIps[_random.Next(_people.BotnetIps.Length)];
        var user = _random.Next(3) == 0 ? $"{_people.Word()}@{Population.LocalDomains[_random.Next(3)]}" : _people.LocalUser();
        Log(t, "postfix/submission/smtpd", pid, $"connect from unknown[{ip}]");
        t = t.AddSeconds(Jitter(1, 4));
        var unknown = !_people.LocalUsers.Contains(user);
        Log(t.AddSeconds(-0.01), "dovecot", _random.Next(900, 1000), _random.Next(2) == 0
            ? $"auth: passwd-file({user},{ip}): {(unknown ? "unknown user" : "Password mismatch")}"
            : $"auth: sql({user},{ip},<{_people.Base64ish(16)}>): {(unknown ? "unknown user" : "Password mismatch")}");
        Log(t, "postfix/submission/smtpd", pid, $"warning: unknown[{ip}]: SASL LOGIN authentication failed: {(_random.Next(2) == 0 ? "UGFzc3dvcmQ6" : "(reason unavailable)")}, sasl_username={user}");
        t = t.AddSeconds(Jitter(0.1, 2));
        Log(t, "postfix/submission/smtpd", pid, $"lost connection after AUTH from unknown[{ip}]");
        Log(t, "postfix/submission/smtpd", pid, $"disconnect from unknown[{ip}] ehlo=1 auth=0/1 commands=1/2");
    }

    private void ImapSession()
    {
        var t = _clock;
        var user = _people.LocalUser();
        var ip = _people.PublicIp();
        var pid = _random.Next(20000, 30000);
        var session = _people.Base64ish(16);
        Log(t, "dovecot", _random.Next(900, 1000), $"imap-login: Login: user=<{user}>, method=PLAIN, rip={ip}, lip=192.0.2.10, mpid={pid}, TLS, session=<{session}>");
        Log(t.AddSeconds(Jitter(5, 600)), "dovecot", pid, $"imap({user})<{pid}><{session}>: Logged out in={_random.Next(100, 5000)} out={_random.Next(500, 900000)} deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0");
    }

    private void Anvil()
    {
        var ip = _people.PublicIp();
        Log(_clock, "postfix/anvil", 1201, $"statistics: max connection rate 1/60s for (smtp:{ip}) at {Months[_clock.Month - 1]} {_clock.Day,2} {_clock:HH:mm:ss}");
        Log(_clock, "postfix/anvil", 1201, $"statistics: max cache size 3 at {Months[_clock.Month - 1]} {_clock.Day,2} {_clock:HH:mm:ss}");
    }

    // The incident: the stolen account sends bulk mail from a botnet, hundreds of addresses.
    private void StolenAccountBurst() => Submission(_stolenAccount, _people.BotnetIps[_random.Next(_people.BotnetIps.Length)], incident: true);
}
