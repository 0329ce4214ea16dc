using System.Text;
using SpamTrace.Queue;

namespace SpamTrace.Tests.Queue;

public class QueueReaderTests
{
    [Fact]
    public void Json_and_mailq_listings_of_the_same_real_queue_agree()
    {
        var json = PostqueueJsonReader.ReadAll(QueueFixtures.Read("postqueue-j.jsonl"));
        var stats = new QueueReadStatistics();
        var arrival = json.Max(m => m.ArrivalTime);
        var text = MailqTextReader.Read(new StringReader(QueueFixtures.Read("postqueue-p.txt")), "postqueue-p.txt", stats, arrival.AddMinutes(5)).ToList();

        Assert.Equal(11, json.Count);
        Assert.Equal(0, stats.BadLines);
        Assert.Equal(json.Select(m => m.QueueId).Order(), text.Select(m => m.QueueId).Order());
        foreach (var j in json)
        {
            var t = text.Single(m => m.QueueId == j.QueueId);
            Assert.Equal(j.Sender, t.Sender);
            Assert.Equal(j.Size, t.Size);
            Assert.Equal(j.IsHeld, t.IsHeld);
            Assert.Equal(j.ArrivalTime, t.ArrivalTime);
            Assert.Equal(j.Recipients, t.Recipients);
        }
        Assert.Single(json, m => m.IsHeld);
        Assert.Equal(3, json.Count(m => m.Recipients[0].DelayReason!.Contains("[TS03]")));
    }

    [Fact]
    public void Mailq_text_active_marker_null_sender_and_reason_groups()
    {
        // The classic layout of Postfix 2.x showq, as documented: reasons precede the recipients they apply to.
        const string listing = """
            -Queue ID- --Size-- ----Arrival Time---- -Sender/Recipient-------
            3F2A41C0123*    1290 Mon Nov 23 10:01:02  MAILER-DAEMON
                                                     forged@victim.example

            4B1C22D0456     7000 Tue Nov 24 09:00:00  spam@hacked.example
            (host mx.example[192.0.2.1] said: 450 4.2.1 try later (in reply to RCPT TO command))
                                                     a@one.example
                                                     b@one.example
                              (connect to mx.two.example[192.0.2.2]:25: Connection timed out)
                                                     c@two.example

            -- 8 Kbytes in 2 Requests.
            """;
        var stats = new QueueReadStatistics();
        var now = new DateTimeOffset(2026, 11, 29, 0, 0, 0, TimeSpan.Zero);
        var messages = MailqTextReader.Read(new StringReader(listing), "x", stats, now).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal("active", messages[0].QueueName);
        Assert.Equal("", messages[0].Sender);
        Assert.Null(messages[0].Recipients[0].DelayReason);
        Assert.Equal(3, messages[1].Recipients.Count);
        Assert.StartsWith("host mx.example", messages[1].Recipients[1].DelayReason);
        Assert.StartsWith("connect to mx.two", messages[1].Recipients[2].DelayReason);
        Assert.Equal(2026, messages[1].ArrivalTime.Year); // Tue Nov 24 is a Tuesday in 2026
    }

    [Fact]
    public void Mailq_arrival_without_year_is_placed_in_the_past()
    {
        var now = new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero);
        // Dec 31 is a Wednesday in 2025: read in January, it is last year's.
        Assert.Equal(2025, MailqTextReader.ParseArrival("Wed Dec 31 23:00:00", now).Year);
    }

    [Fact]
    public void Bad_json_lines_are_counted_with_their_line_number_and_the_rest_is_read()
    {
        var good = QueueFixtures.Read("postqueue-j.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var text = good[0] + "\n{\"queue_name\": \"deferred\", broken\n[1,2]\n" + string.Join("\n", good.Skip(1));
        var stats = new QueueReadStatistics();
        var messages = PostqueueJsonReader.ReadAll(text, stats);
        Assert.Equal(good.Length, messages.Count);
        Assert.Equal(2, stats.BadLines);
        Assert.StartsWith("<string>:2:", stats.BadLineSamples[0]);
        Assert.StartsWith("<string>:3:", stats.BadLineSamples[1]);
    }

    [Fact]
    public void Lines_crossing_buffer_boundaries_are_all_read()
    {
        // Several MB: lines straddle the reader's 1 MB buffer many times; one line is longer than the buffer.
        var line = QueueFixtures.Read("postqueue-j.jsonl").Split('\n')[0];
        var builder = new StringBuilder();
        for (var i = 0; i < 12_000; i++)
        {
            builder.Append(line.Replace("\"queue_id\": \"", $"\"queue_id\": \"X{i:D6}")).Append('\n');
        }
        var longRecipients = string.Join(",", Enumerable.Range(0, 30_000).Select(i => $"{{\"address\": \"r{i}@big.example\"}}"));
        builder.Append($"{{\"queue_name\": \"deferred\", \"queue_id\": \"LONG1\", \"arrival_time\": 1, \"message_size\": 1, \"sender\": \"s@x.example\", \"recipients\": [{longRecipients}]}}");
        var stats = new QueueReadStatistics();
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(builder.ToString()));
        var messages = PostqueueJsonReader.Read(stream, "big", stats).ToList();
        Assert.Equal(12_001, messages.Count);
        Assert.Equal(30_000, messages[^1].Recipients.Count);
        Assert.Equal(0, stats.BadLines);
        Assert.Equal(12_000, messages.Select(m => m.QueueId).Distinct().Count(id => id.StartsWith('X')));
    }

    [Fact]
    public void Postcat_gives_sasl_login_client_and_pickup_uid()
    {
        var sasl = PostcatParser.Parse(new StringReader(QueueFixtures.Read("postcat-sasl.txt"))).Values.Single();
        Assert.Equal("alice", sasl.SaslUsername);
        Assert.Equal("203.0.113.1", sasl.ClientAddress);
        Assert.Null(sasl.Uid);

        var local = PostcatParser.Parse(new StringReader(QueueFixtures.Read("postcat-local.txt"))).Values.Single();
        Assert.Equal(33, local.Uid);
        Assert.Null(local.SaslUsername);
        Assert.Equal("local", local.RewriteContext);

        var batch = PostcatParser.Parse(new StringReader(QueueFixtures.Read("postcat-batch.txt")));
        Assert.Equal(4, batch.Count);
    }

    [Fact]
    public void A_forged_userid_header_below_the_first_one_is_ignored()
    {
        var text = QueueFixtures.Read("postcat-sasl.txt");
        var forged = text.Replace("Subject:", "Received: by evil (Postfix, from userid 0)\nSubject:");
        var file = PostcatParser.Parse(new StringReader(forged)).Values.Single();
        Assert.Null(file.Uid);
    }

    [Theory]
    [InlineData("host mta7.am0.yahoodns.example[192.0.2.7] said: 421 4.7.0 [TS03] All messages from 198.51.100.25 will be permanently deferred (in reply to MAIL FROM command)",
        "4.7.0", "421 4.7.0 [TS03] All messages from 198.51.100.25 will be permanently deferred")]
    [InlineData("connect to 127.0.0.1[127.0.0.1]:9: Connection refused", null, "connect to 127.0.0.1[127.0.0.1]:9: Connection refused")]
    [InlineData("host gmail-smtp-in.l.google.com[142.250.1.27] said: 550-5.7.26 Unauthenticated email (in reply to end of DATA command)", "5.7.26", "550-5.7.26 Unauthenticated email")]
    public void Delay_reason_splits_into_dsn_and_reply(string reason, string? dsn, string reply)
    {
        Assert.Equal((dsn, reply), DelayReason.Split(reason));
    }

    [Theory]
    [InlineData("host a[192.0.2.7] said: 421 4.7.0 [TS03] All messages from 198.51.100.25 will be deferred (in reply to MAIL FROM command)",
        "421 4.7.0 [TS03] All messages from IP will be deferred")]
    [InlineData("connect to 127.0.0.1[127.0.0.1]:9: Connection refused", "connect to IP[IP]:9: Connection refused")]
    [InlineData("version 1.2.3.4.5 and 10.0.0.300x stay", "version 1.2.3.4.5 and 10.0.0.300x stay")]
    public void Normalized_reasons_mask_ipv4_addresses_only(string reason, string expected)
    {
        Assert.Equal(expected, DelayReason.Normalize(reason));
    }
}
