using System.Text;
using BenchmarkDotNet.Attributes;
using SpamTrace.Reputation;

namespace SpamTrace.Bench;

/// <summary>
/// Classifying 20,000 remote replies through diagnose's verdict cache, warm (the wording of each is known): what every
/// deferred or bounced recipient costs. The replies are the shapes of a spam run's refusals, each with its own recipient,
/// receiving host, IP or Gmail transaction ID; the peer is the classifier itself on every reply, without the cache.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class ReplyCacheBenchmarks
{
    private const int Replies = 20_000;
    private readonly List<(string Dsn, byte[] Utf8, string Text)> _replies = [];
    private ReplyVerdictCache _cache = new();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        string Hex(int n) => string.Concat(Enumerable.Range(0, n).Select(_ => "0123456789abcdef"[random.Next(16)]));
        for (var i = 0; i < Replies; i++)
        {
            var ip = $"{random.Next(1, 223)}.{random.Next(256)}.{random.Next(256)}.{random.Next(1, 255)}";
            var (dsn, text) = (i % 5) switch
            {
                0 => ("5.1.1", $"host gmail-smtp-in.l.google.com[{ip}] said: 550-5.1.1 The email account that you tried to reach does not exist. Please try 550-5.1.1 double-checking the recipient's email address for typos or 550-5.1.1 unnecessary spaces. For more information, go to 550 5.1.1  https://support.google.com/mail/?p=NoSuchUser {Hex(13)}-{Hex(12)}si{random.Next(1_000_000)}.{random.Next(1000)} - gsmtp (in reply to RCPT TO command)"),
                1 => ("4.7.0", $"host mta{random.Next(5, 8)}.am0.yahoodns.net[{ip}] said: 421 4.7.0 [TS03] All messages from [198.51.100.25] will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)"),
                2 => ("5.7.1", $"host mx{random.Next(1, 3)}.example{random.Next(500)}.com[{ip}] said: 550 5.7.1 Service unavailable, Client host [198.51.100.25] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/198.51.100.25 AS(1450) (in reply to RCPT TO command)"),
                3 => ("5.7.1", $"host mx{random.Next(1, 3)}.web.de[{ip}] said: 554 5.7.1 <user{random.Next(100_000)}@web.de>: Recipient address rejected: Access denied (in reply to RCPT TO command)"),
                _ => ("5.7.1", $"host outlook-com.olc.protection.outlook.com[{ip}] said: 550 5.7.1 Unfortunately, messages from [198.51.100.25] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [{Hex(8).ToUpperInvariant()}.eurprd0{random.Next(1, 9)}.prod.outlook.com 2026-03-02T10:00:00.000Z 08DC{Hex(12).ToUpperInvariant()}] (in reply to MAIL FROM command)"),
            };
            _replies.Add((dsn, Encoding.UTF8.GetBytes(text), text));
        }
        _cache = new ReplyVerdictCache();
        Cached();
    }

    [Benchmark(Baseline = true, Description = "verdict cache, from the log's bytes")]
    public int Cached()
    {
        var reputation = 0;
        foreach (var (dsn, utf8, _) in _replies)
        {
            reputation += _cache.Classify(dsn, utf8).IsReputationProblem ? 1 : 0;
        }
        return reputation;
    }

    [Benchmark(Description = "classifier on every reply (text)")]
    public int Uncached()
    {
        var reputation = 0;
        foreach (var (dsn, _, text) in _replies)
        {
            reputation += ReplyClassifier.Classify(dsn, text).IsReputationProblem ? 1 : 0;
        }
        return reputation;
    }
}
