using System.Text;

namespace SpamTrace.Bench;

/// <summary>
/// A deterministic, realistic slice of an iRedMail-like mail log for the parser benchmark: inbound mail through
/// postscreen, smtpd, cleanup, qmgr, amavisd-new (10024) and re-injection (10025) to dovecot-lmtp; outbound SASL
/// submissions to remote MXes (sent, deferred, bounced); rejects, SASL brute force, TLS notes, anvil, dovecot
/// logins and a little cron/sshd noise. Queue IDs are long or short hex, timestamps classic or RFC 3339.
/// </summary>
internal static class ParseSample
{
    public static byte[] Build(int targetBytes, bool iso)
    {
        var random = new Random(42);
        var sb = new StringBuilder(targetBytes + 4096);
        var time = new DateTime(2024, 11, 29, 0, 0, 0);
        int pid = 1000;
        int n = 0;
        while (sb.Length < targetBytes)
        {
            time = time.AddMilliseconds(random.Next(5, 400));
            string Stamp() => iso
                ? time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) + "+01:00"
                : time.ToString("MMM ", System.Globalization.CultureInfo.InvariantCulture) + time.Day.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(2)
                    + time.ToString(" HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
            void L(string tag, string msg) => sb.Append(Stamp()).Append(" mx1 ").Append(tag).Append('[').Append(pid + (n % 37)).Append("]: ").Append(msg).Append('\n');
            n++;
            string qid = random.Next(3) == 0 ? LongId(random) : random.NextInt64(0x10000000000, 0xFFFFFFFFFFF).ToString("X11", System.Globalization.CultureInfo.InvariantCulture);
            string qid2 = LongId(random);
            string ip = $"{random.Next(1, 223)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
            string host = random.Next(4) == 0 ? "unknown" : $"mail{random.Next(100)}.sender{random.Next(5000)}.example";
            string user = $"user{random.Next(300)}@example.com";
            string rcpt = $"r{random.Next(10000)}@dest{random.Next(900)}.example.net";
            int port = random.Next(1024, 65535);
            switch (random.Next(10))
            {
                case < 5: // inbound through amavis
                    L("postfix/postscreen", $"CONNECT from [{ip}]:{port} to [192.0.2.1]:25");
                    L("postfix/postscreen", $"PASS OLD [{ip}]:{port}");
                    L("postfix/smtpd", $"connect from {host}[{ip}]");
                    L("postfix/smtpd", $"Anonymous TLS connection established from {host}[{ip}]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256");
                    L("postfix/smtpd", $"{qid}: client={host}[{ip}]");
                    L("postfix/cleanup", $"{qid}: message-id=<{random.Next()}.{random.Next()}@{host}>");
                    L("postfix/qmgr", $"{qid}: from=<news{random.Next(50)}@{host}>, size={random.Next(1000, 90000)}, nrcpt=1 (queue active)");
                    L("postfix/smtpd", $"disconnect from {host}[{ip}] ehlo=2 starttls=1 mail=1 rcpt=1 data=1 quit=1 commands=7");
                    L("postfix/smtpd", "connect from localhost[127.0.0.1]");
                    L("postfix/smtpd", $"{qid2}: client=localhost[127.0.0.1], orig_queue_id={qid}, orig_client={host}[{ip}]");
                    L("postfix/cleanup", $"{qid2}: message-id=<{random.Next()}.{random.Next()}@{host}>");
                    L("postfix/qmgr", $"{qid2}: from=<news@{host}>, size={random.Next(1000, 90000)}, nrcpt=1 (queue active)");
                    L("amavis", $"({random.Next(10000):D5}-{random.Next(99):D2}) Passed CLEAN {{RelayedInbound}}, [{ip}]:{port} [{ip}] <news@{host}> -> <{user}>, Queue-ID: {qid}, Message-ID: <{random.Next()}@{host}>, mail_id: abcDEF123, Hits: -1.2, size: 4321, queued_as: {qid2}, 845 ms");
                    L("postfix/smtp", $"{qid}: to=<{user}>, relay=127.0.0.1[127.0.0.1]:10024, delay=1.1, delays=0.12/0/0.01/0.97, dsn=2.0.0, status=sent (250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as {qid2})");
                    L("postfix/qmgr", $"{qid}: removed");
                    L("postfix/smtpd", "disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5");
                    L("postfix/lmtp", $"{qid2}: to=<{user}>, relay=mx1.example.com[private/dovecot-lmtp], delay=0.05, delays=0.01/0/0.01/0.03, dsn=2.0.0, status=sent (250 2.0.0 <{user}> Vx2bC8ph SAVED)");
                    L("postfix/qmgr", $"{qid2}: removed");
                    break;
                case < 7: // outbound SASL submission
                    L("postfix/submission/smtpd", $"connect from {host}[{ip}]");
                    L("postfix/submission/smtpd", $"{qid}: client={host}[{ip}]:{port}, sasl_method=LOGIN, sasl_username={user}");
                    L("postfix/cleanup", $"{qid}: message-id=<{random.Next()}@example.com>");
                    L("postfix/qmgr", $"{qid}: from=<{user}>, size={random.Next(1000, 90000)}, nrcpt=2 (queue active)");
                    L("postfix/smtp", random.Next(4) switch
                    {
                        0 => $"{qid}: to=<{rcpt}>, relay=mx.dest.example.net[203.0.113.{random.Next(255)}]:25, delay=2.3, delays=0.25/0.05/2/0.04, dsn=4.7.0, status=deferred (host mx.dest.example.net[203.0.113.9] said: 421 4.7.0 [TS03] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.example.net/ (in reply to MAIL FROM command))",
                        1 => $"{qid}: to=<{rcpt}>, relay=gmail-smtp-in.l.google.com[142.250.1.27]:25, delay=1.9, delays=0.05/0/1.1/0.71, dsn=5.7.1, status=bounced (host gmail-smtp-in.l.google.com[142.250.1.27] said: 550-5.7.1 Our system has detected that this message is likely unsolicited mail. (in reply to end of DATA command))",
                        _ => $"{qid}: to=<{rcpt}>, relay=mx.dest.example.net[203.0.113.{random.Next(255)}]:25, delay=0.9, delays=0.1/0.01/0.3/0.5, dsn=2.0.0, status=sent (250 2.0.0 OK 1732838400 a640c23a62f3a-aa50b2f6a1dsi123456.21 - gsmtp)",
                    });
                    L("postfix/smtp", $"{qid}: to=<x{rcpt}>, relay=mx.dest.example.net[203.0.113.9]:25, conn_use=2, delay=1.0, delays=0.1/0.01/0.3/0.6, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as 4Y1kLm2QxCz9sTp)");
                    L("postfix/qmgr", $"{qid}: removed");
                    L("postfix/submission/smtpd", $"disconnect from {host}[{ip}] ehlo=1 auth=1 mail=1 rcpt=2 data=1 quit=1 commands=7");
                    break;
                case 7: // spam rejected at RCPT
                    L("postfix/smtpd", $"connect from {host}[{ip}]");
                    L("postfix/smtpd", $"NOQUEUE: reject: RCPT from {host}[{ip}]: 554 5.7.1 Service unavailable; Client host [{ip}] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/{ip}; from=<spam{random.Next(99)}@{host}> to=<{user}> proto=ESMTP helo=<{host}>");
                    L("postfix/smtpd", $"disconnect from {host}[{ip}] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4");
                    break;
                case 8: // SASL brute force
                    L("postfix/submission/smtpd", $"connect from unknown[{ip}]");
                    L("postfix/submission/smtpd", $"warning: unknown[{ip}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6, sasl_username={user}");
                    L("postfix/submission/smtpd", $"lost connection after AUTH from unknown[{ip}]");
                    L("dovecot", $"auth-worker({pid}): sql({user},{ip},<{random.Next():x}>): Password mismatch");
                    break;
                default: // housekeeping and neighbours
                    L("postfix/anvil", $"statistics: max connection rate 3/60s for (smtp:{ip}) at Nov 29 00:0{random.Next(10)}:00");
                    L("dovecot", $"imap-login: Login: user=<{user}>, method=PLAIN, rip={ip}, lip=192.0.2.1, mpid={pid}, TLS, session=<{random.Next():x}>");
                    L("CRON", "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)");
                    L("postfix/pickup", $"{qid}: uid=33 from=<www-data>");
                    L("postfix/cleanup", $"{qid}: info: header X-PHP-Originating-Script: 33:wp-cache.php from local; from=<www-data@mx1.example.com> to=<{rcpt}>");
                    break;
            }
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static string LongId(Random random)
    {
        const string alphabet = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxy";
        Span<char> id = stackalloc char[15];
        for (int i = 0; i < id.Length; i++)
        {
            id[i] = alphabet[random.Next(alphabet.Length)];
        }
        id[10] = 'z';
        return new string(id);
    }
}
