using System.Text.Json;
using MimeKit;
using SpamTrace.Lab.Tests.Infrastructure;

namespace SpamTrace.Lab.Tests;

[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class QueueAndOutputTests(LabFixture lab)
{
    private static List<JsonElement> Snapshot(LabRun run) =>
        File.ReadAllLines(Path.Combine(run.OutputDirectory, "postqueue-final.json"))
            .Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    [SkippableFact]
    public void Queue_holds_exactly_the_recipients_the_manifests_expect_deferred()
    {
        var run = lab.Require();
        var expected = new List<string>();
        foreach (var m in lab.Manifests.Values.SelectMany(x => x.Accepted))
        {
            expected.AddRange(m.Recipients.Where(r => r.Expected == "deferred").Select(r => $"{m.Sender} -> {r.Address}".ToLowerInvariant()));
            if (m.ExpectedBounceTo is { Expected: "deferred" } b)
            {
                expected.Add($"MAILER-DAEMON -> {b.Address}".ToLowerInvariant()); // postqueue -j names the null sender so

            }
        }
        var actual = Snapshot(run)
            .SelectMany(q => q.GetProperty("recipients").EnumerateArray()
                .Select(r => $"{q.GetProperty("sender").GetString()} -> {r.GetProperty("address").GetString()}".ToLowerInvariant()))
            .ToList();
        expected.Sort(StringComparer.Ordinal);
        actual.Sort(StringComparer.Ordinal);
        Assert.True(expected.SequenceEqual(actual),
            $"seed {lab.Seed}: queue differs from the manifests.\nmissing: {string.Join(", ", expected.Except(actual))}\nextra: {string.Join(", ", actual.Except(expected))}");
    }

    [SkippableFact]
    public void Held_messages_sit_in_the_hold_queue_and_deferrals_carry_the_remote_reply()
    {
        var run = lab.Require();
        var snapshot = Snapshot(run);
        var held = lab.Manifest("queue-states").HeldQueueIds ?? [];
        Assert.NotEmpty(held);
        foreach (var id in held)
        {
            Assert.Contains(snapshot, q => q.GetProperty("queue_id").GetString() == id && q.GetProperty("queue_name").GetString() == "hold");
        }
        var reasons = snapshot.SelectMany(q => q.GetProperty("recipients").EnumerateArray())
            .Select(r => r.TryGetProperty("delay_reason", out var d) ? d.GetString() ?? "" : "").ToList();
        var yahoo = lab.Manifests.Values.SelectMany(m => m.Accepted).SelectMany(m => m.Recipients).Count(r => r.Sink == "yahoo-ts03" && r.Expected == "deferred");
        if (yahoo > 0)
        {
            Assert.Contains(reasons, r => r.Contains("421 4.7.1 [TS03]", StringComparison.Ordinal));
        }
        Assert.Contains(reasons, r => r.Contains("451 4.5.0", StringComparison.Ordinal) || r.Contains("450 4.2.0", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Bounce_is_a_delivery_status_report_delivered_into_a_mailbox()
    {
        var run = lab.Require();
        var path = Path.Combine(run.OutputDirectory, "bounce.eml");
        Assert.True(File.Exists(path), $"seed {lab.Seed}: no bounce delivered into any mailbox");
        var message = MimeMessage.Load(path);
        var report = Assert.IsType<MultipartReport>(message.Body);
        Assert.Equal("delivery-status", report.ReportType);
        Assert.EndsWith("@lab.example", message.Headers["Delivered-To"], StringComparison.Ordinal);
        Assert.Equal("Undelivered Mail Returned to Sender", message.Subject);
    }

    [SkippableFact]
    public void Postcat_shows_a_queued_spam_message_with_its_envelope()
    {
        var run = lab.Require();
        var path = Path.Combine(run.OutputDirectory, "postcat-spam.txt");
        Assert.True(File.Exists(path), $"seed {lab.Seed}: no spam message left in the queue to postcat");
        var text = File.ReadAllText(path);
        Assert.Contains("*** ENVELOPE RECORDS", text, StringComparison.Ordinal);
        Assert.Contains("X-Lab-Spam: yes", text, StringComparison.Ordinal);
        var sender = text.Split('\n').First(l => l.StartsWith("sender: ", StringComparison.Ordinal))["sender: ".Length..].Trim();
        var culprits = lab.Manifests.Values.SelectMany(m => m.Messages.Where(x => x.Role is "spam" or "inbound-spam")).Select(m => m.Sender).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.Contains(sender, culprits);
    }

    [SkippableFact]
    public void Lab_runs_in_its_own_namespace_and_logs_to_its_own_files()
    {
        var run = lab.Require();
        var namespaces = LabProcess.Check("ip", ["netns", "list"], TimeSpan.FromSeconds(10)).Stdout;
        Assert.Contains(run.Env["LAB_NETNS"], namespaces, StringComparison.Ordinal);
        var pids = LabProcess.Check("ip", ["netns", "pids", run.Env["LAB_NETNS"]], TimeSpan.FromSeconds(10)).Stdout;
        Assert.NotEmpty(pids.Trim());
        Assert.Contains("daemon started -- version", File.ReadAllText(run.Maillog), StringComparison.Ordinal);
        Assert.Contains("Dovecot v", File.ReadAllText(run.DovecotLog), StringComparison.Ordinal);
        Assert.All(lab.Manifests.Values, m => Assert.True(m.Settled, $"{m.Scenario}: queue did not settle"));
    }
}
