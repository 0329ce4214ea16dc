using System.Globalization;
using System.Text;
using SpamTrace.Forensics;
using SpamTrace.Logs;
using SpamTrace.Logs.Reading;
using SpamTrace.Reports.Diagnose;
using SpamTrace.ServerKnowledge;

namespace SpamTrace.Tests.Forensics;

/// <summary>
/// Writes maillogs line for line in the format the real lab Postfix wrote into lab/fixtures/*/maillog (the listener
/// without the content filter: smtpd, submission/smtpd, pickup, cleanup, qmgr, smtp, bounce), with the lab's sinks as
/// next hops: 192.0.2.10 accepts, 192.0.2.11 refuses unknown users, 192.0.2.12 answers Yahoo's TS03.
/// </summary>
public sealed class LabLog
{
    public const string UnknownUser = "host 192.0.2.11[192.0.2.11] said: 550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address for typos or unnecessary spaces. (in reply to RCPT TO command)";
    public const string Ts03 = "host 192.0.2.12[192.0.2.12] refused to talk to me: 421 4.7.1 [TS03] All messages from [203.0.113.25] will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes";

    private readonly StringBuilder _log = new();
    private int _next = 0x104DF5;
    private int _pid = 5000;

    public DateTime Time { get; set; } = new(2026, 11, 29, 4, 24, 5, DateTimeKind.Utc);

    /// <summary>Each recipient's fate at the next hop: sent by default; a function of the address for the variants.</summary>
    public Func<string, (string Status, string Relay, string Dsn, string Reply)> Route { get; set; } = AcceptAll;

    public static (string, string, string, string) AcceptAll(string to) => ("sent", "192.0.2.10[192.0.2.10]:25", "2.0.0", "250 2.0.0 Ok");

    /// <summary>The lab's routing: free-mail domains of Yahoo defer (TS03), addresses starting with "gone." do not exist.</summary>
    public static (string, string, string, string) LabRoutes(string to) =>
        to.StartsWith("gone.", StringComparison.Ordinal) ? ("bounced", "192.0.2.11[192.0.2.11]:25", "5.1.1", UnknownUser)
        : to.EndsWith("@yahoo.com", StringComparison.Ordinal) || to.EndsWith("@aol.com", StringComparison.Ordinal) ? ("deferred", "192.0.2.12[192.0.2.12]:25", "4.7.1", Ts03)
        : AcceptAll(to);

    private string Ts => Time.ToString("MMM dd HH:mm:ss", CultureInfo.InvariantCulture);

    private string NextId() => (_next++).ToString("X6", CultureInfo.InvariantCulture) + "51C2D";

    private void Line(string program, string text) => _log.Append(CultureInfo.InvariantCulture, $"{Ts} mail postfix/{program}[{_pid++ % 9000 + 1000}]: {text}\n");

    public LabLog Smtp(string ip, string from, params string[] to) => Message($"smtpd", $"client=unknown[{ip}]", from, to);

    public LabLog Submission(string user, string ip, string from, params string[] to) =>
        Message("submission/smtpd", $"client=unknown[{ip}], sasl_method=PLAIN, sasl_username={user}", from, to);

    public LabLog Pickup(int uid, string user, string from, string? script, params string[] to)
    {
        var id = NextId();
        Line("pickup", $"{id}: uid={uid} from=<{user}>");
        if (script is not null)
        {
            Line("cleanup", $"{id}: info: header X-PHP-Originating-Script: {uid}:{script} from local; from=<{from}>");
        }
        return Queued(id, from, to);
    }

    public LabLog AuthFailure(string ip, string user)
    {
        Line("submission/smtpd", $"warning: unknown[{ip}]: SASL LOGIN authentication failed: (reason unavailable), sasl_username={user}");
        return this;
    }

    public LabLog RelayDenied(string ip, string from, string to)
    {
        Line("smtpd", $"NOQUEUE: reject: RCPT from unknown[{ip}]: 554 5.7.1 <{to}>: Relay access denied; from=<{from}> to=<{to}> proto=ESMTP helo=<[{ip}]>");
        return this;
    }

    public LabLog Advance(TimeSpan by)
    {
        Time += by;
        return this;
    }

    private LabLog Message(string program, string client, string from, string[] to)
    {
        var id = NextId();
        Line(program, $"{id}: {client}");
        return Queued(id, from, to);
    }

    private LabLog Queued(string id, string from, string[] to)
    {
        Line("cleanup", $"{id}: message-id=<{id.ToLowerInvariant()}@lab.test>");
        Line("qmgr", $"{id}: from=<{from}>, size=575, nrcpt={to.Length} (queue active)");
        var bounced = new List<string>();
        var open = false;
        foreach (var r in to)
        {
            var (status, relay, dsn, reply) = Route(r);
            Line("smtp", $"{id}: to=<{r}>, relay={relay}, delay=0.01, delays=0/0/0/0.01, dsn={dsn}, status={status} ({reply})");
            bounced.AddRange(status == "bounced" ? [r] : []);
            open |= status == "deferred";
        }
        if (bounced.Count > 0 && from.Length > 0)
        {
            var notice = NextId();
            Line("cleanup", $"{notice}: message-id=<20261129042422.{notice}@mail.lab.example>");
            Line("bounce", $"{id}: sender non-delivery notification: {notice}");
            Line("qmgr", $"{notice}: from=<>, size=3080, nrcpt=1 (queue active)");
            if (!open)
            {
                Line("qmgr", $"{id}: removed");
            }
            var (status, relay, dsn, reply) = Route(from);
            Line("smtp", $"{notice}: to=<{from}>, relay={relay}, delay=0, delays=0/0/0/0, dsn={dsn}, status={status} ({reply})");
            if (status != "deferred")
            {
                Line("qmgr", $"{notice}: removed");
            }
        }
        else if (!open)
        {
            Line("qmgr", $"{id}: removed");
        }
        Time = Time.AddSeconds(1);
        return this;
    }

    public string Text => _log.ToString();

    /// <summary>diagnose end to end (reader, parser, correlator, judge) on this log written to a temporary file.</summary>
    public DiagnoseRun Diagnose(ServerFacts? server = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"spamtrace-lablog-{Guid.NewGuid():N}.log");
        File.WriteAllText(path, Text);
        try
        {
            var (inputs, errors) = LogDiscovery.Resolve([path]);
            Assert.Empty(errors);
            return DiagnoseService.Run(inputs, new LogEngineOptions(), UidNames.None, null, null, default, server);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
