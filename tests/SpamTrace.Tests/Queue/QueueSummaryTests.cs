using SpamTrace.Queue;
using SpamTrace.Reputation;
using SpamTrace.Tests.Containment;

namespace SpamTrace.Tests.Queue;

public class QueueSummaryTests
{
    [Fact]
    public void Survey_of_the_real_queue_counts_senders_logins_uids_domains_and_reasons()
    {
        var fake = new FakePostfix();
        var now = DateTimeOffset.FromUnixTimeSeconds(1795913854 + 7200);
        var classified = new List<(string?, string)>();
        ReplyVerdict Classify(string? dsn, string reply)
        {
            classified.Add((dsn, reply));
            return reply.Contains("[TS03]") ? new ReplyVerdict(ReplyClass.Blocked, "Yahoo", "TS03", null, null) : ReplyVerdict.Unclassified;
        }
        var summary = QueueSurvey.Run([new PostfixInstance(fake, "/etc/postfix-test")], now, sampleSize: 2000, Classify);

        Assert.Equal(11, summary.Messages);
        Assert.Equal(["postqueue -j"], summary.ListingFormats);
        Assert.Equal(4, summary.ByRecipientDomain.Single(r => r.Key == "outlook.example").Messages);
        Assert.Equal(3, summary.ByRecipientDomain.Single(r => r.Key == "yahoo.example").Recipients);
        Assert.Equal(11, summary.ByAge.Single(a => a.Key == "1h-6h").Messages);
        Assert.Equal(1, summary.ByQueue.Single(q => q.Key == "hold").Messages);
        var ts03 = summary.ByDelayReason.Single(r => r.Verdict.Rule == "TS03");
        Assert.Equal(3, ts03.Recipients);
        Assert.True(ts03.Verdict.IsReputationProblem);
        Assert.Equal(3, classified.Count); // each distinct reason classified once, not once per recipient
        var sample = summary.Sample!;
        Assert.True(sample.IsExhaustive);
        Assert.Equal(4, sample.BySaslUser.Single(u => u.Key == "alice").Messages);
        Assert.Equal(1, sample.BySaslUser.Single(u => u.Key == "bob").Messages);
        Assert.Equal(4, sample.ByUid.Single(u => u.Key.StartsWith("33")).Messages);
        // One postcat call for all 11 files (batched), none per message.
        Assert.Single(fake.Calls, c => c.Program == "postcat");
    }

    [Fact]
    public void Sampling_reads_only_the_sample_and_states_its_size()
    {
        var fake = new FakePostfix();
        var summary = QueueSurvey.Run([new PostfixInstance(fake)], DateTimeOffset.Now, sampleSize: 5);
        var sample = summary.Sample!;
        Assert.Equal(5, sample.Sampled);
        Assert.Equal(11, sample.Population);
        Assert.False(sample.IsExhaustive);
        Assert.Equal(5, fake.Calls.Single(c => c.Program == "postcat").Arguments.Count - 1);
    }

    [Fact]
    public void Messages_leaving_during_postcat_are_counted_and_the_rest_still_read()
    {
        var fake = new FakePostfix();
        var leaving = fake.Ids.Skip(3).First();
        fake.LeaveBeforeNextAction.Add(leaving);
        var summary = QueueSurvey.Run([new PostfixInstance(fake)], DateTimeOffset.Now, sampleSize: 0);
        Assert.Equal(1, summary.Sample!.Gone);
        Assert.Equal(10, summary.Sample.Sampled);
        Assert.Equal(2, fake.Calls.Count(c => c.Program == "postcat"));
    }

    [Fact]
    public void Postfix_without_json_listing_falls_back_to_the_mailq_text()
    {
        var fake = new FakePostfix { OldPostfix = true };
        var instance = new PostfixInstance(fake);
        var summary = QueueSurvey.Run([instance], DateTimeOffset.Now, sampleSize: 0);
        Assert.Equal(["postqueue -p"], summary.ListingFormats);
        Assert.Equal(11, summary.Messages);
        Assert.Equal(4, summary.Sample!.BySaslUser.Single(u => u.Key == "alice").Messages);
    }
}
