using SpamTrace.Lab.Tests.Infrastructure;

namespace SpamTrace.Lab.Tests;

[Collection(LabCollection.Name)]
[Trait("Category", "Lab")]
public sealed class HackedScriptTests(LabFixture lab)
{
    [SkippableFact]
    public void Php_header_is_logged_once_per_mail_with_the_script_owner_uid()
    {
        var run = lab.Require();
        var manifest = lab.Manifest("hacked-script");
        var culprit = Assert.Single(manifest.ExpectedCulprits);
        var maillog = File.ReadAllLines(run.Maillog);
        int Count(string script) => maillog.Count(l => l.Contains($"info: header X-PHP-Originating-Script: {culprit.Uid}:{script} from local", StringComparison.Ordinal));
        var spam = manifest.Messages.Count(m => m.Role == "spam");
        var contact = manifest.Messages.Count(m => m.Origin.Script == "contact.php");
        Assert.True(spam > 0 && Count(culprit.Script!) == spam, $"seed {lab.Seed}: {spam} mails from {culprit.Script}, {Count(culprit.Script!)} header lines");
        Assert.Equal(contact, Count("contact.php"));
    }

    [SkippableFact]
    public void Pickup_logs_the_web_server_uid_and_root_for_cron()
    {
        var run = lab.Require();
        var manifest = lab.Manifest("hacked-script");
        var culprit = manifest.ExpectedCulprits[0];
        var maillog = File.ReadAllLines(run.Maillog);
        var web = manifest.Messages.Count(m => m.Origin.Uid == culprit.Uid);
        var cron = manifest.Messages.Count(m => m.Origin.Uid == 0);
        Assert.Equal(web, maillog.Count(l => l.Contains($"postfix/pickup[", StringComparison.Ordinal) && l.Contains($"uid={culprit.Uid} from=<{culprit.User}>", StringComparison.Ordinal)));
        Assert.Equal(cron, maillog.Count(l => l.Contains("postfix/pickup[", StringComparison.Ordinal) && l.Contains("uid=0 from=<root>", StringComparison.Ordinal)));
    }
}
