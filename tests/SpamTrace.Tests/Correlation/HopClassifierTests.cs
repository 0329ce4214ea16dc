using SpamTrace.Logs.Correlation;

namespace SpamTrace.Tests.Correlation;

public class HopClassifierTests
{
    [Theory]
    // amavis: queued back here, whatever the port.
    [InlineData("smtp", "127.0.0.1[127.0.0.1]:10024", "250 2.0.0 from MTA(smtp:[127.0.0.1]:10025): 250 2.0.0 Ok: queued as ABC", true, true, HopKind.ContentFilter)]
    [InlineData("lmtp", "127.0.0.1[127.0.0.1]", "250 2.6.0 Ok, id=1, from MTA: 250 Ok: queued as D2FF7D9649", true, true, HopKind.ContentFilter)]
    // The filter kept it (discarded or blocked): not outbound.
    [InlineData("smtp", "127.0.0.1[127.0.0.1]:10024", "250 2.7.0 Ok, discarded, id=00001-01", false, false, HopKind.ContentFilter)]
    // Another MTA on loopback port 25 (a local smarthost, the lab's Internet): the mail leaves.
    [InlineData("smtp", "127.0.0.10[127.0.0.10]:25", "250 2.0.0 Ok", false, false, HopKind.Remote)]
    [InlineData("smtp", "127.0.0.10[127.0.0.10]:25", "250 2.0.0 Ok: queued as 4XYZ", true, false, HopKind.Remote)]
    // A remote Postfix answering with its own queue ID.
    [InlineData("smtp", "mx.example.org[192.0.2.25]:25", "250 2.0.0 Ok: queued as CCCC333333", true, false, HopKind.Remote)]
    [InlineData("lmtp", "127.0.0.1[127.0.0.1]:24", "250 2.0.0 <x@example.com> Saved", false, false, HopKind.Local)]
    [InlineData("lmtp", "mail.example.com[private/dovecot-lmtp]", "250 2.0.0 <x@example.com> Saved", false, false, HopKind.Local)]
    [InlineData("virtual", "virtual", "delivered to maildir", false, false, HopKind.Local)]
    [InlineData("error", "none", "delivery temporarily suspended: host mta5.yahoodns.net[1.2.3.4] refused to talk to me", false, false, HopKind.Remote)]
    [InlineData("error", "none", "User unknown in virtual alias table", false, false, HopKind.None)]
    [InlineData("discard", "none", "discarded", false, false, HopKind.None)]
    public void Where_a_delivery_went(string agent, string relay, string reply, bool queuedAs, bool queuedHere, HopKind expected) =>
        Assert.Equal(expected, HopClassifier.Classify(agent, relay, reply, queuedAs, queuedHere));
}
