using System.Diagnostics;
using System.Globalization;
using SpamTrace.Forensics;

namespace SpamTrace.Bench;

/// <summary>
/// <c>SpamTrace.Bench judge [--origins N] [--rounds R]</c>: times the detector alone on N synthetic origins (logins with
/// a few IPs and a daily rhythm, one of them a spam run). Judging happens once, after the log is read; this shows how it
/// grows with the number of senders on a big server.
/// </summary>
public static class JudgeCommand
{
    public static int Run(string[] args)
    {
        var origins = 5_000;
        var rounds = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--origins": origins = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        var observer = Build(origins);
        var best = double.MaxValue;
        for (var r = 0; r < rounds; r++)
        {
            var clock = Stopwatch.StartNew();
            var diagnosis = Detector.Judge(observer);
            clock.Stop();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {r + 1}: {clock.Elapsed.TotalMilliseconds:F0} ms, {diagnosis.Origins.Count} origins, {diagnosis.Culprits.Count()} culprits"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"judge best of {rounds}: {best * 1000:F0} ms for {origins:N0} origins"));
        return 0;
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
