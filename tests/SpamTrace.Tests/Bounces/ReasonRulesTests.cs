using MimeKit;
using SpamTrace.Bounces;
using SpamTrace.Bounces.Input;
using SpamTrace.Bounces.Parsing;

namespace SpamTrace.Tests.Bounces;

public class ReasonRulesTests
{
    private static string Decide(string? status, string? diagnostic, string? command = null, string? action = "failed", string? type = "SMTP") =>
        ReasonRules.Decide(new ReasonInput(action, status, diagnostic, type, command, null));

    [Fact]
    public void User_unknown_words_answering_RCPT_mean_an_unknown_user()
    {
        Assert.Equal("userunknown", Decide("5.0.0", "550 Unknown user kijitora@example.jp", "RCPT"));
    }

    [Fact]
    public void The_same_words_after_DATA_or_at_no_known_command_come_from_a_filter()
    {
        Assert.Equal("filtered", Decide("5.0.0", "550 Unknown user kijitora@example.jp", "DATA"));
        Assert.Equal("filtered", Decide("5.0.0", "550 Unknown user kijitora@example.jp"));
    }

    [Fact]
    public void A_bad_mailbox_code_stands_unless_a_stronger_phrase_says_otherwise()
    {
        Assert.Equal("userunknown", Decide("5.1.1", "550 5.1.1 <a@example.org>: Recipient address rejected: User unknown in local recipient table"));
        Assert.Equal("mailboxfull", Decide("5.1.1", "550 5.1.1 mailbox is full"));
    }

    [Fact]
    public void A_code_that_names_a_reason_wins_over_text_that_names_none()
    {
        Assert.Equal("mailboxfull", Decide("5.2.2", "552 sorry"));
        Assert.Equal("requireptr", Decide("5.7.25", "550 5.7.25 try again"));
    }

    [Fact]
    public void Vague_codes_leave_the_decision_to_the_phrase()
    {
        Assert.Equal("spamdetected", Decide("5.7.1", "554 5.7.1 Message rejected as spam by content filtering", "DATA"));
        Assert.Equal("securityerror", Decide("5.7.1", "554 5.7.1 no"));
    }

    [Fact]
    public void Without_evidence_a_delay_is_expired_and_text_alone_is_on_hold()
    {
        Assert.Equal("expired", Decide(null, null, action: "delayed"));
        Assert.Equal("onhold", Decide(null, "something went wrong"));
        Assert.Equal("undefined", Decide(null, null));
        Assert.Equal("delivered", Decide("2.1.5", "250 ok", action: "delivered"));
    }

    [Fact]
    public void A_local_delivery_program_failing_is_a_mailer_error()
    {
        Assert.Equal("mailererror", Decide("5.0.0", "exit 75", type: "X-UNIX"));
    }

    [Theory]
    [InlineData("host mx[192.0.2.1] said: 550 no (in reply to RCPT TO command)", "RCPT")]
    [InlineData("said: 554 rejected (in reply to end of DATA command)", "DATA")]
    [InlineData(">>> MAIL FROM:<a@example.org> <<< 553 sorry", "MAIL")]
    [InlineData("after MAIL FROM:<a@b.example> then RCPT TO:<c@d.example>: 550", "RCPT")]
    [InlineData("smtp error after end of data", null)]
    public void The_answered_command_is_the_last_one_named(string text, string? expected)
    {
        Assert.Equal(expected, SmtpCommands.Find(text));
    }

    [Theory]
    [InlineData("5.0.0", "5.1.1", "550", "5.1.1")]
    [InlineData("5.1.1", "4.2.2", "452", "4.2.2")]
    [InlineData("5.3.0", "5.7.1", "554", "5.7.1")]
    [InlineData("5.2.2", null, "552", "5.2.2")]
    [InlineData(null, "5.1.1", null, "5.1.1")]
    [InlineData("5.1.1", "5.7.0", "550", "5.1.1")]
    public void The_status_to_believe_is_the_one_the_reply_supports_or_the_more_specific(string? field, string? inReply, string? reply, string expected)
    {
        Assert.Equal(expected, StatusPreference.Prefer(field, inReply, reply));
    }

    [Fact]
    public void Phrase_fragments_must_occur_in_order_and_vetoes_win()
    {
        var table = ReasonPhrases.Parse("rejected\tmatch\tsender\t rejected\nrejected\tnot\tsender verify\n", "t.tsv");
        Assert.True(table.Matches("rejected", "the sender was rejected"));
        Assert.False(table.Matches("rejected", "rejected the sender"));
        Assert.False(table.Matches("rejected", "sender verify failed: sender rejected"));
    }

    [Fact]
    public void A_malformed_phrase_line_names_the_file_and_line()
    {
        var ex = Assert.Throws<FormatException>(() => ReasonPhrases.Parse("# c\nblocked\tmaybe\tx\n", "reason-phrases.tsv"));
        Assert.Contains("reason-phrases.tsv:2", ex.Message);
    }

    [Fact]
    public void An_auto_reply_is_not_a_bounce_but_names_who_is_away()
    {
        var message = MimeMessage.Load(new MemoryStream("From: Kijitora <kijitora@example.org>\nTo: a@example.net\nSubject: Automatic reply: hello\n\nI am away until Monday.\n"u8.ToArray()));
        var report = BounceParser.Parse(new MailboxEntry("away.eml", message));
        Assert.Equal(BounceKind.NotBounce, report.Kind);
        var r = Assert.Single(report.Recipients);
        Assert.Equal(("kijitora@example.org", "vacation"), (r.Address, r.Reason));
    }
}
