using MimeKit;
using SpamTrace.Bounces;
using SpamTrace.Bounces.Input;
using SpamTrace.Bounces.Parsing;

namespace SpamTrace.Tests.Bounces;

public class FeedbackParsingTests
{
    private static BounceReport Parse(string text) =>
        BounceParser.Parse(new MailboxEntry("t.eml", MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n"))))));

    [Fact]
    public void Every_reported_recipient_of_a_feedback_report_is_listed()
    {
        var report = Parse("""
            From: fbl@example.net
            To: abuse@example.org
            Subject: Abuse report
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=feedback-report; boundary="b"

            --b
            Content-Type: text/plain

            A complaint.
            --b
            Content-Type: message/feedback-report

            Feedback-Type: abuse
            Version: 1
            Original-Rcpt-To: one@example.com
            Original-Rcpt-To: two@example.com
            Original-Rcpt-To: one@example.com
            Source-IP: 192.0.2.3

            --b--
            """);
        Assert.Equal(BounceKind.Feedback, report.Kind);
        Assert.Equal(["one@example.com", "two@example.com"], report.Recipients.Select(r => r.Address));
        Assert.All(report.Recipients, r => Assert.Equal("feedback", r.Reason));
    }

    [Fact]
    public void A_forwarded_complaint_without_a_report_part_is_feedback_for_the_originals_recipient()
    {
        var report = Parse("""
            From: staff@hotmail.example
            To: abuse-report@example.org
            Subject: complaint about message from 192.0.2.222
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            This is an email abuse report.
            --b
            Content-Type: message/rfc822

            From: Neko <neko@example.org>
            To: reader@example.com
            Subject: Offer

            Buy.
            --b--
            """);
        Assert.Equal(BounceKind.Feedback, report.Kind);
        var r = Assert.Single(report.Recipients);
        Assert.Equal(("reader@example.com", "feedback", "abuse"), (r.Address, r.Reason, r.FeedbackType));
    }
}
