using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using SpamTrace.Queue;

namespace SpamTrace.Bench;

/// <summary>
/// Summarising a 100,000-message <c>postqueue -j</c> listing (generated: a stolen-account flood beside normal
/// traffic, 1-3 recipients, realistic delay reasons). Ours streams with Utf8JsonReader; the peers are the usual
/// ways to read JSON lines in .NET (a JsonDocument or a JsonSerializer DTO per line) feeding the same summarizer.
/// The file is kept at /tmp/spamtrace-bench/postqueue-100k.jsonl for whole-process timings of `spamtrace queue --input`.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class QueueBenchmarks
{
    public const int Messages = 100_000;
    public static readonly string FilePath = "/tmp/spamtrace-bench/postqueue-100k.jsonl";
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_795_900_000);
    private byte[] _data = [];

    [GlobalSetup]
    public void Setup()
    {
        _data = Encoding.UTF8.GetBytes(Generate(Messages, seed: 42));
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllBytes(FilePath, _data);
    }

    [Benchmark(Description = "ours: Utf8JsonReader stream + summary")]
    public long Ours()
    {
        var summarizer = new QueueSummarizer(Now);
        using var stream = new MemoryStream(_data, writable: false);
        foreach (var message in PostqueueJsonReader.Read(stream, "bench", new QueueReadStatistics()))
        {
            summarizer.Add(message);
        }
        return summarizer.Finish(new QueueReadStatistics()).Recipients;
    }

    [Benchmark(Description = "ours: Utf8JsonReader stream, no summary")]
    public long OursReadOnly()
    {
        long recipients = 0;
        using var stream = new MemoryStream(_data, writable: false);
        foreach (var message in PostqueueJsonReader.Read(stream, "bench", new QueueReadStatistics()))
        {
            recipients += message.Recipients.Count;
        }
        return recipients;
    }

    [Benchmark(Baseline = true, Description = "peer: JsonDocument per line + summary")]
    public long PeerJsonDocument()
    {
        var summarizer = new QueueSummarizer(Now);
        using var reader = new StreamReader(new MemoryStream(_data, writable: false));
        while (reader.ReadLine() is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var recipients = root.GetProperty("recipients").EnumerateArray()
                .Select(r => new QueuedRecipient(r.GetProperty("address").GetString()!, r.TryGetProperty("delay_reason", out var d) ? d.GetString() : null)).ToList();
            summarizer.Add(new QueuedMessage(root.GetProperty("queue_name").GetString()!, root.GetProperty("queue_id").GetString()!,
                DateTimeOffset.FromUnixTimeSeconds(root.GetProperty("arrival_time").GetInt64()), root.GetProperty("message_size").GetInt64(),
                root.GetProperty("sender").GetString()!, recipients));
        }
        return summarizer.Finish(new QueueReadStatistics()).Recipients;
    }

    private sealed record Dto(string queue_name, string queue_id, long arrival_time, long message_size, string sender, List<RecipientDto> recipients);
    private sealed record RecipientDto(string address, string? delay_reason);

    [Benchmark(Description = "peer: JsonSerializer DTO per line + summary")]
    public long PeerSerializer()
    {
        var summarizer = new QueueSummarizer(Now);
        using var reader = new StreamReader(new MemoryStream(_data, writable: false));
        while (reader.ReadLine() is { } line)
        {
            var dto = JsonSerializer.Deserialize<Dto>(line)!;
            summarizer.Add(new QueuedMessage(dto.queue_name, dto.queue_id, DateTimeOffset.FromUnixTimeSeconds(dto.arrival_time), dto.message_size,
                dto.sender, dto.recipients.Select(r => new QueuedRecipient(r.address, r.delay_reason)).ToList()));
        }
        return summarizer.Finish(new QueueReadStatistics()).Recipients;
    }

    /// <summary>A flood from a few stolen logins' forged senders beside normal mail, in postqueue -j's exact layout.</summary>
    public static string Generate(int count, int seed)
    {
        var random = new Random(seed);
        string[] freemail = ["yahoo.com", "gmail.com", "outlook.com", "hotmail.com", "aol.com", "gmx.de", "orange.fr"];
        string[] reasons =
        [
            "host mta{0}.am0.yahoodns.net[67.195.{1}.{2}] said: 421 4.7.0 [TS03] All messages from 198.51.100.25 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes",
            "host gmail-smtp-in.l.google.com[142.250.{1}.{2}] said: 421-4.7.28 Gmail has detected an unusual rate of unsolicited mail originating from your IP address. (in reply to end of DATA command)",
            "host outlook-com.olc.protection.outlook.com[52.101.{1}.{2}] said: 550 5.7.1 Unfortunately, messages from [198.51.100.25] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). (in reply to MAIL FROM command)",
            "connect to mx{0}.customer.example[192.0.2.{2}]:25: Connection timed out",
            "host mx.gmx.net[212.227.{1}.{2}] said: 554-gmx.net (mxgmx{0}) Nemesis ESMTP Service not available 554-No SMTP service 554 IP address is block listed. (in reply to MAIL FROM command)",
        ];
        var builder = new StringBuilder(count * 420);
        const string idChars = "0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz";
        for (var i = 0; i < count; i++)
        {
            var spam = random.NextDouble() < 0.85;
            var id = new string(Enumerable.Range(0, 12).Select(_ => idChars[random.Next(idChars.Length)]).ToArray());
            var sender = spam ? $"promo{random.Next(5000)}@{(random.Next(3) == 0 ? "forged.example" : "ourdomain.example")}" : $"user{random.Next(300)}@ourdomain.example";
            var queue = random.Next(100) switch { < 2 => "active", < 5 => "hold", < 6 => "incoming", _ => "deferred" };
            builder.Append("{\"queue_name\": \"").Append(queue).Append("\", \"queue_id\": \"").Append(id)
                .Append("\", \"arrival_time\": ").Append(1_795_900_000 - random.Next(5 * 86400))
                .Append(", \"message_size\": ").Append(random.Next(800, 60000))
                .Append(", \"forced_expire\": false, \"sender\": \"").Append(sender).Append("\", \"recipients\": [");
            var recipients = spam ? random.Next(1, 4) : 1;
            for (var r = 0; r < recipients; r++)
            {
                var domain = spam || random.Next(3) == 0 ? freemail[random.Next(freemail.Length)] : $"customer{random.Next(50)}.example";
                if (r > 0) { builder.Append(", "); }
                builder.Append("{\"address\": \"r").Append(random.Next(1_000_000)).Append('@').Append(domain).Append('"');
                if (queue == "deferred")
                {
                    var reason = string.Format(System.Globalization.CultureInfo.InvariantCulture, reasons[random.Next(reasons.Length)], random.Next(1, 20), random.Next(256), random.Next(256));
                    builder.Append(", \"delay_reason\": \"").Append(reason).Append('"');
                }
                builder.Append('}');
            }
            builder.Append("]}\n");
        }
        return builder.ToString();
    }
}
