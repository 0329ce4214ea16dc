using SpamTrace.Bounces;
using SpamTrace.Bounces.Input;
using SpamTrace.Bounces.LogLink;
using SpamTrace.Bounces.Verdict;
using SpamTrace.Logs;
using SpamTrace.Logs.Reading;
using SpamTrace.Tests.Support;

namespace SpamTrace.Tests.Bounces;

/// <summary>The bounces real Postfix delivered in the lab runs (lab/fixtures/*/bounce.eml), linked to their own maillog.</summary>
public class LabBounceTests
{
    private static BounceReport Read(string scenario, OurServer? server = null, bool withLog = true)
    {
        var root = SharedCorpora.RepositoryRoot()!;
        var dir = Path.Combine(root, "lab", "fixtures", scenario);
        var ourServer = server ?? new OurServer([]);
        var reports = BounceReader.Read(MailboxReader.Read([Path.Combine(dir, "bounce.eml")]), ourServer).ToList();
        if (withLog)
        {
            var linker = new BounceLogLinker(reports);
            var (inputs, errors) = LogDiscovery.Resolve([Path.Combine(dir, "maillog")]);
            Assert.Empty(errors);
            linker.Run(inputs, new LogEngineOptions());
            reports = reports.Select(linker.Link).Select(r => BounceJudge.ForgedInbound(r, ourServer)).ToList();
        }
        return Assert.Single(reports);
    }

    [Fact]
    public void Stolen_password_bounce_is_ours_from_the_login_the_log_names()
    {
        var r = Read("stolen-password");
        Assert.Equal(BounceVerdict.Ours, r.Verdict);
        Assert.Equal("sasl:alice@lab.example", r.Original!.OriginKey);
        Assert.NotNull(r.Log);
        Assert.Contains(r.Log!.QueueIds, q => r.Original.QueueIds.Contains(q));
        Assert.All(r.Recipients, x => Assert.Equal("blocked", x.Reason));
    }

    [Fact]
    public void Hacked_script_bounce_is_ours_from_uid_33_and_its_script()
    {
        var r = Read("hacked-script");
        Assert.Equal(BounceVerdict.Ours, r.Verdict);
        Assert.Equal("33", r.Original!.LocalUid);
        Assert.Equal("class-wp-mailer.php", r.Original.Script);
        Assert.NotNull(r.Log);
    }

    [Fact]
    public void Without_the_log_the_headers_alone_say_ours_but_not_the_login()
    {
        var r = Read("stolen-password", withLog: false);
        Assert.Equal(BounceVerdict.Ours, r.Verdict);
        Assert.Null(r.Original!.SaslLogin);
        Assert.Equal("198.18.166.108", r.Original.ClientIp);
    }

    [Fact]
    public void Authenticated_mail_to_a_domain_we_receive_for_stays_ours()
    {
        var r = Read("queue-states", new OurServer([], domains: ["oldcorp.example"]));
        Assert.Equal(BounceVerdict.Ours, r.Verdict);
        Assert.Equal("sasl:erin@lab.example", r.Original!.OriginKey);
    }

    [Fact]
    public void Unauthenticated_mail_to_a_domain_we_receive_for_bounced_back_is_backscatter()
    {
        // The same real bounce, its original turned into what a stranger sends: plain ESMTP, no login.
        var root = SharedCorpora.RepositoryRoot()!;
        var text = File.ReadAllText(Path.Combine(root, "lab", "fixtures", "queue-states", "bounce.eml")).Replace("with ESMTPSA", "with ESMTP", StringComparison.Ordinal);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        var server = new OurServer([], domains: ["oldcorp.example"]);
        var r = Assert.Single(BounceReader.Read(MailboxReader.ReadStream("forged.eml", stream), server));
        Assert.Equal(BounceVerdict.Backscatter, r.Verdict);
        var unconfigured = new OurServer([]);
        using var again = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        Assert.Equal(BounceVerdict.Ours, Assert.Single(BounceReader.Read(MailboxReader.ReadStream("forged.eml", again), unconfigured)).Verdict);
    }

    [Fact]
    public void A_bounce_whose_original_never_touched_our_host_is_backscatter()
    {
        var r = Read("stolen-password", new OurServer(["mx.elsewhere.example"]), withLog: false);
        Assert.Equal(BounceVerdict.Backscatter, r.Verdict);
    }
}
