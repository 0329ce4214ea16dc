using System.Diagnostics;
using System.Globalization;
using SpamTrace.Forensics;

namespace SpamTrace.Bench;

/// <summary>
/// <c>SpamTrace.Bench judge [--origins N] [--relay-clients M] [--rounds R]</c>: times the detector alone on N synthetic
/// logins (a few IPs and a daily rhythm each, one of them a spam run) and M clients relaying one message each, fed to the
/// observer as chains, and prints the memory they hold. Judging happens once, after the log is read; this shows how it
/// and the observer's memory grow with the number of senders.
/// </summary>
public static class JudgeCommand
{
    public static int Run(string[] args)
    {
        var origins = 5_000;
        var relayClients = 0;
        var rounds = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--origins": origins = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--relay-clients": relayClients = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        var before = GC.GetTotalMemory(true);
        var observer = Build(origins);
        AddRelayClients(observer, relayClients);
        var held = GC.GetTotalMemory(true) - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{origins:N0} logins and {relayClients:N0} relaying clients: {observer.Origins.Count:N0} origins holding {held / 1e6:F1} MB"));
        var best = double.MaxValue;
        for (var r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            var diagnosis = Detector.Judge(observer);
            clock.Stop();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {r + 1}: {clock.Elapsed.TotalMilliseconds:F0} ms, {diagnosis.Origins.Count} origins, {diagnosis.Culprits.Count()} culprits"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"judge best of {rounds}: {best * 1000:F0} ms for {observer.Origins.Count:N0} origins"));
        return 0;
    }

    /// <summary>An open relay's clients: one message each, from its own IP, to a domain of a few hundred.</summary>
    private static void AddRelayClients(DiagnoseObserver observer, int clients)
    {
        var start = new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < clients; i++)
        {
            var t = start.AddSeconds(i);
            var record = new SpamTrace.Logs.Correlation.MessageRecord
            {
                Host = "mx",
                QueueId = i.ToString("X10", CultureInfo.InvariantCulture),
                FirstSeenUtc = t,
                LastSeenUtc = t,
                Origin = SpamTrace.Logs.Correlation.OriginKind.Smtp,
                ClientIp = $"{1 + ((i >> 16) % 223)}.{(i >> 8) & 255}.{i & 255}.{1 + (i % 7)}",
                Sender = $"x{i}@forged{i % 100}.example",
                EntrySeen = true,
                Fate = SpamTrace.Logs.Correlation.MessageFate.Removed,
            };
            record.Recipients.Add(new SpamTrace.Logs.Correlation.RecipientResult
            {
                Address = $"victim{i}@mail{i % 500}.example",
                Status = SpamTrace.Logs.Parsing.DeliveryStatus.Sent,
                Hop = SpamTrace.Logs.Correlation.HopKind.Remote,
                Agent = "smtp",
                Relay = $"mx.mail{i % 500}.example[192.0.2.1]:25",
                Dsn = "2.0.0",
                TimeUtc = t,
            });
            observer.OnChain(new SpamTrace.Logs.Correlation.MessageChain([record], null, false));
        }
    }

    private static DiagnoseObserver Build(int origins)
    {
        var observer = new DiagnoseObserver(UidNames.None);
        var start = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var random = new Random(42);
        for (var i = 0; i < origins; i++)
        {
            var spam = i == 0;
            var s = new OriginStats(new OriginId(CulpritKind.Sasl, $"user{i}@example.com"));
            var messages = spam ? 5_000 : random.Next(2, 60);
            for (var m = 0; m < messages; m++)
            {
                var t = spam ? start.AddDays(2).AddSeconds(m) : start.AddMinutes(random.Next(0, 3 * 24 * 60));
                s.Timeline.Add(t, spam ? 10 : 1);
                s.FirstSeenUtc = t < s.FirstSeenUtc ? t : s.FirstSeenUtc;
                s.LastSeenUtc = t > s.LastSeenUtc ? t : s.LastSeenUtc;
            }
            s.Messages = messages;
            s.RemoteRecipients = spam ? 50_000 : messages;
            s.Sent = spam ? 20_000 : messages - random.Next(0, 2);
            s.DeferredOnce = spam ? 20_000 : random.Next(0, 2);
            s.Bounced = s.RemoteRecipients - s.Sent;
            for (var ip = spam ? 300 : random.Next(1, 4); ip > 0; ip--)
            {
                s.ClientIps.Add($"10.{i % 250}.{ip % 250}.{ip / 250}");
            }
            s.Senders.Add($"user{i}@example.com");
            observer.Origins[s.Id] = s;
        }
        return observer;
    }
}
