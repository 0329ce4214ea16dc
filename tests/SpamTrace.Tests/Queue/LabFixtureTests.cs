using System.Text.Json;
using SpamTrace.Queue;

namespace SpamTrace.Tests.Queue;

/// <summary>
/// Queue files and logs of the real-Postfix lab (lab/fixtures, with the amavis-like content filter): the copy of a
/// message waiting in the queue was re-injected from 127.0.0.1, so its submitter is found through the loopback
/// Received hops or the mail log of its first queue ID, and must equal the culprit the scenario's manifest names.
/// </summary>
public class LabFixtureTests
{
    private static string Fixture(string scenario, string file) =>
        Path.Combine(QueueFixtures.Directory, "..", "..", "..", "..", "lab", "fixtures", scenario, file);

    private static JsonElement Culprit(string scenario) =>
        JsonDocument.Parse(File.ReadAllText(Fixture(scenario, "manifest.json"))).RootElement.GetProperty("expected_culprits")[0];

    [Fact]
    public void Stolen_password_copy_after_the_filter_gets_its_login_from_the_log_of_its_first_queue_id()
    {
        var file = PostcatParser.Parse(new StringReader(File.ReadAllText(Fixture("stolen-password", "postcat-spam.txt")))).Values.Single();
        Assert.Null(file.SaslUsername); // re-injected over SMTP by the filter: no SASL attribute of its own
        Assert.NotNull(file.LogIdent);

        var index = new SubmissionLogIndex();
        index.AddFile(Fixture("stolen-password", "maillog"));
        index.Complete(file);
        Assert.Equal(Culprit("stolen-password").GetProperty("user").GetString(), file.SaslUsername);
        Assert.True(file.FromLog);
    }

    [Fact]
    public void Failed_logins_in_the_log_are_not_taken_for_submissions()
    {
        var index = new SubmissionLogIndex();
        index.AddLine("Nov 29 01:01:14 mail postfix/submission/smtpd[21689]: warning: unknown[127.16.144.84]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=admin@lab.example");
        Assert.Equal(0, index.Count);
        index.AddLine("Nov 29 01:01:16 mail postfix/submission/smtpd[21700]: 2FCC351636B: client=unknown[127.161.244.16], sasl_method=PLAIN, sasl_username=alice@lab.example");
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void Hacked_script_copy_after_the_filter_keeps_the_pickup_uid_below_the_loopback_hop()
    {
        var file = PostcatParser.Parse(new StringReader(File.ReadAllText(Fixture("hacked-script", "postcat-spam.txt")))).Values.Single();
        Assert.Equal(Culprit("hacked-script").GetProperty("uid").GetInt32(), file.Uid);
    }

    [Fact]
    public void Lab_queue_snapshot_reads_without_bad_lines()
    {
        var stats = new QueueReadStatistics();
        using var stream = File.OpenRead(Fixture("sample-incident", "postqueue.json"));
        var messages = PostqueueJsonReader.Read(stream, "postqueue.json", stats).ToList();
        Assert.Equal(0, stats.BadLines);
        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.True(PostfixInstance.IsQueueId(m.QueueId)));
    }
}
