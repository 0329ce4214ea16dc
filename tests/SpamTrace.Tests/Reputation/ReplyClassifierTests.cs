using SpamTrace.Reputation;

namespace SpamTrace.Tests.Reputation;

public class ReplyClassifierTests
{
    [Theory]
    [InlineData("4.7.0", "host mta6.am0.yahoodns.net[67.195.204.77] said: 421 4.7.0 [TS01] Messages from 192.0.2.10 temporarily deferred due to user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)", ReplyClass.BadReputation, "Yahoo", "TS01")]
    [InlineData("4.7.0", "host mta5.am0.yahoodns.net[98.136.96.76] said: 421 4.7.0 [TS02] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints - 4.16.56.1; see https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)", ReplyClass.BadReputation, "Yahoo", "TS02")]
    [InlineData("4.7.1", "host 127.0.0.3[127.0.0.3] refused to talk to me: 421 4.7.1 [TS03] All messages from [192.0.2.10] will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes", ReplyClass.Blocked, "Yahoo", "TS03")]
    [InlineData("4.7.0", "host mta7.am0.yahoodns.net[67.195.228.110] said: 421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)", ReplyClass.BadReputation, "Yahoo", "TSS04")]
    [InlineData("4.7.1", "host mta6.am0.yahoodns.net[67.195.204.77] said: 421 4.7.1 [TSS09] All messages from 192.0.2.10 will be permanently deferred; Retrying will NOT succeed. (in reply to MAIL FROM command)", ReplyClass.Blocked, "Yahoo", "TSS09")]
    [InlineData("4.7.0", "host gmail-smtp-in.l.google.com[142.250.27.26] said: 421-4.7.0 [192.0.2.10      15] Our system has detected an unusual rate of 421-4.7.0 unsolicited mail originating from your IP address. To protect our 421-4.7.0 users from spam, mail sent from your IP address has been temporarily 421-4.7.0 rate limited. 421 4.7.0  - gsmtp (in reply to end of DATA command)", ReplyClass.BadReputation, "Gmail", "4.7.0")]
    [InlineData("4.7.28", "host gmail-smtp-in.l.google.com[142.250.27.26] said: 421-4.7.28 [192.0.2.10      15] Our system has detected an unusual rate of 421-4.7.28 unsolicited mail originating from your IP address. gsmtp (in reply to end of DATA command)", ReplyClass.BadReputation, "Gmail", "4.7.28")]
    [InlineData("5.7.1", "host gmail-smtp-in.l.google.com[142.250.27.26] said: 550-5.7.1 [192.0.2.10      12] Our system has detected that this message is 550-5.7.1 likely unsolicited mail. To reduce the amount of spam sent to Gmail, 550-5.7.1 this message has been blocked. 550 5.7.1 - gsmtp (in reply to end of DATA command)", ReplyClass.SpamDetected, "Gmail", "5.7.1")]
    [InlineData("5.7.25", "host gmail-smtp-in.l.google.com[142.250.27.26] said: 550-5.7.25 [192.0.2.10] The IP address sending this message does not have a 550-5.7.25 PTR record setup - gsmtp (in reply to end of DATA command)", ReplyClass.RequirePtr, "Gmail", "5.7.25")]
    [InlineData("5.7.26", "host gmail-smtp-in.l.google.com[142.250.27.26] said: 550-5.7.26 This mail has been blocked because the sender is unauthenticated. gsmtp (in reply to end of DATA command)", ReplyClass.AuthFailure, "Gmail", "5.7.26")]
    [InlineData("5.7.1", "host outlook-com.olc.protection.outlook.com[52.101.8.39] said: 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). (in reply to MAIL FROM command)", ReplyClass.Blocked, "Microsoft", "S3140")]
    [InlineData("5.7.1", "host hotmail-com.olc.protection.outlook.com[52.101.8.39] said: 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. Please contact your Internet service provider. You can tell them that Hotmail does not relay dynamically-assigned IP ranges (S3150)", ReplyClass.Blocked, "Microsoft", "S3150")]
    [InlineData("5.7.606", "host eur.olc.protection.outlook.com[52.101.8.39] said: 550 5.7.606 Access denied, banned sending IP [192.0.2.10]. To request removal from this list please visit https://sender.office.com/", ReplyClass.Blocked, "Microsoft", "5.7.606-649")]
    [InlineData("5.7.649", "host x.mail.protection.outlook.com[52.101.8.39] said: 550 5.7.649 Access denied", ReplyClass.Blocked, "Microsoft", "5.7.606-649")]
    [InlineData("4.7.650", "host x.olc.protection.outlook.com[52.101.8.39] said: 451 4.7.650 The mail server [192.0.2.10] has been temporarily rate limited due to IP reputation.", ReplyClass.BadReputation, "Microsoft", "4.7.650")]
    [InlineData("5.7.1", "host mx.example.net[203.0.113.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.10 (in reply to RCPT TO command)", ReplyClass.Blocked, "Spamhaus", "blocked using")]
    [InlineData("5.7.1", "host mx.example.net[203.0.113.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using b.barracudacentral.org (in reply to RCPT TO command)", ReplyClass.Blocked, "Barracuda", "blocked using")]
    [InlineData("5.7.1", "host mx.example.net[203.0.113.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using bl.spamcop.net", ReplyClass.Blocked, "SpamCop", "blocked using")]
    [InlineData("5.7.1", "host mx.example.net[203.0.113.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using dnsbl-1.uceprotect.net", ReplyClass.Blocked, "UCEPROTECT", "blocked using")]
    [InlineData("5.0.0", "host mx.example.net[203.0.113.5] said: 550 Connection rejected by policy [7.7] 20706, please visit www.mail-abuse.com for more details", ReplyClass.Blocked, "Trend Micro", "ERS")]
    [InlineData("5.0.0", "host smtp-in.orange.fr[193.252.22.65] said: 550 mwinf5c04 ME Adresse IP source bloquee pour incident de spam. Client host blocked for spamming issues. OFR006_102 Ref", ReplyClass.Blocked, "Orange", "OFR")]
    [InlineData("5.7.1", "host mx.example.net[203.0.113.5] said: 550 5.7.1 Your IP 192.0.2.10 is blacklisted", ReplyClass.Blocked, null, "blocklisted")]
    [InlineData("5.7.1", "host mx.example.net[203.0.113.5] said: 550 5.7.1 Rejected: 192.0.2.10 listed at dnsbl.example.org", ReplyClass.Blocked, null, "listed")]
    public void Classifies_reputation_replies_with_provider_and_rule(string dsn, string reply, ReplyClass expected, string? provider, string? rule)
    {
        var verdict = ReplyClassifier.Classify(dsn, reply);
        Assert.Equal(expected, verdict.Class);
        Assert.Equal(provider, verdict.Provider);
        Assert.Equal(rule, verdict.Rule);
        Assert.False(string.IsNullOrWhiteSpace(verdict.Advice));
        Assert.True(verdict.IsReputationProblem);
    }

    [Theory]
    [InlineData("5.1.1", "host mx.example.net[203.0.113.5] said: 550 5.1.1 <nobody@example.net>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command)", ReplyClass.UserUnknown)]
    [InlineData("4.2.0", "host 127.0.0.5[127.0.0.5] said: 450 4.2.0 <a@example.org>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.org.html", ReplyClass.Greylisted)]
    [InlineData("4.4.1", "connect to mx.example.net[203.0.113.5]:25: Connection timed out", ReplyClass.NetworkError)]
    [InlineData("5.4.4", "Host or domain name not found. Name service error for name=nonexistent.invalid type=A: Host not found", ReplyClass.HostUnknown)]
    [InlineData("5.2.2", "host mx.example.net[203.0.113.5] said: 552 5.2.2 Mailbox full", ReplyClass.MailboxFull)]
    [InlineData("5.1.1", null, ReplyClass.UserUnknown)]
    public void Classifies_recipient_and_transport_replies(string dsn, string? reply, ReplyClass expected)
    {
        var verdict = ReplyClassifier.Classify(dsn, reply);
        Assert.Equal(expected, verdict.Class);
        Assert.False(verdict.IsReputationProblem);
    }

    [Fact]
    public void Nothing_to_classify_is_unclassified()
    {
        Assert.Equal(ReplyClass.Undefined, ReplyClassifier.Classify(null, null).Class);
        Assert.Equal(ReplyClass.Undefined, ReplyClassifier.Classify(null, "250 2.0.0 Ok: queued as 4XyZ").Class);
    }

    [Fact]
    public void Guesses_the_provider_from_the_receiving_host()
    {
        var verdict = ReplyClassifier.Classify("4.4.2", "host mta5.am0.yahoodns.net[98.136.96.76] said: 421 4.4.2 lost connection");
        Assert.Equal("Yahoo", verdict.Provider);
    }

    [Fact]
    public void Ip_addresses_are_not_taken_for_status_codes()
    {
        Span<EnhancedStatusCode> codes = stackalloc EnhancedStatusCode[4];
        var n = EnhancedStatusCode.FindAll("host 5.7.26.1[5.2.2.9] said: 550 5.7.26 no", codes);
        Assert.Equal(1, n);
        Assert.Equal(new EnhancedStatusCode(5, 7, 26), codes[0]);
    }

    [Fact]
    public void The_table_is_data_a_new_line_extends_it()
    {
        var table = ReplyRuleTable.Load(
            "speeding\tExampleMail\tEX42\t[EX42] & dsn:4.7.\tSlow down.\thttps://example.org/ex42\n",
            "speeding\tslow\n",
            "ExampleMail\texamplemail.test\n");
        var v = ReplyClassifier.Classify(table, "4.7.1", "421 4.7.1 [EX42] too fast");
        Assert.Equal(new ReplyVerdict(ReplyClass.Speeding, "ExampleMail", "EX42", "Slow down.", "https://example.org/ex42"), v);
        Assert.Equal(ReplyClass.Undefined, ReplyClassifier.Classify(table, "5.7.1", "550 5.7.1 [EX42] too fast").Class);
    }

    [Fact]
    public void A_broken_table_line_is_named()
    {
        var e = Assert.Throws<FormatException>(() => ReplyRuleTable.Load("# c\nnosuchclass\t-\t-\tx\t-\t-\n", "", ""));
        Assert.Contains("reply-rules.tsv:2", e.Message);
    }
}

public class ReplyVerdictCacheTests
{
    [Fact]
    public void Cached_verdicts_equal_the_classifier_and_addresses_do_not_split_the_cache()
    {
        var cache = new ReplyVerdictCache();
        var replies = new[]
        {
            ("5.1.1", "host mx.example.net[203.0.113.5] said: 550 5.1.1 <a@example.net>: Recipient address rejected: User unknown"),
            ("5.1.1", "host mx.example.net[203.0.113.6] said: 550 5.1.1 <b@example.net>: Recipient address rejected: User unknown"),
            ("4.7.1", "host mta5.am0.yahoodns.net[98.136.96.76] said: 421 4.7.1 [TS03] All messages from [192.0.2.10] will be permanently deferred"),
            ("4.7.0", "host mta5.am0.yahoodns.net[98.136.96.76] said: 421 4.7.0 [TS01] Messages from 192.0.2.10 temporarily deferred due to user complaints"),
        };
        foreach (var (dsn, reply) in replies.Concat(replies))
        {
            Assert.Equal(ReplyClassifier.Classify(dsn, reply), cache.Classify(dsn, reply));
        }
        // Both "User unknown" replies share one entry; the Yahoo rule codes in brackets keep theirs apart.
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void Receivers_transaction_ids_do_not_split_the_cache_but_status_codes_do()
    {
        var cache = new ReplyVerdictCache();
        const string gmail = "host gmail-smtp-in.l.google.com[142.250.27.26] said: 550-5.1.1 The email account that you tried to reach does not exist. https://support.google.com/mail/?p=NoSuchUser {0} - gsmtp (in reply to RCPT TO command)";
        foreach (var id in new[] { "a640c23a62f3a-069be0e90cd6si526139.126", "5b1f17b1804b1-43cf2e0a1a0si1234.12", "d2e1a72fcca58-7f3b1c2e5a9si99.7" })
        {
            var reply = string.Format(System.Globalization.CultureInfo.InvariantCulture, gmail, id);
            Assert.Equal(ReplyClassifier.Classify("5.1.1", reply), cache.Classify("5.1.1", reply));
        }
        Assert.Equal(1, cache.Count);

        // Short words with digits are codes, not IDs: 5.7.1 is not 5.1.1, and S3150 is not S3140.
        var refused = "host mx.example.net[203.0.113.5] said: 550 5.7.1 Unfortunately, messages from [192.0.2.10] weren't sent. [S3150]";
        Assert.Equal(ReplyClassifier.Classify("5.7.1", refused), cache.Classify("5.7.1", refused));
        Assert.Equal(ReplyClassifier.Classify("5.7.1", refused.Replace("S3150", "S3140", StringComparison.Ordinal)), cache.Classify("5.7.1", refused.Replace("S3150", "S3140", StringComparison.Ordinal)));
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void Host_and_list_names_with_digits_stay_in_the_key_because_they_name_who_refused()
    {
        var cache = new ReplyVerdictCache();
        var replies = new[]
        {
            "host mx.example.net[203.0.113.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using dnsbl-1.uceprotect.net",
            "host mx.example.net[203.0.113.5] said: 554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using rbl2.example-list.org",
            "host mta1047.mail.gq1.yahoo.com[67.195.204.77] said: 554 5.7.1 Message not accepted",
            "host mx2048.mail.gq1.example.com[203.0.113.9] said: 554 5.7.1 Message not accepted",
        };
        foreach (var reply in replies.Concat(replies))
        {
            Assert.Equal(ReplyClassifier.Classify("5.7.1", reply), cache.Classify("5.7.1", reply));
        }
        Assert.Equal(4, cache.Count);
    }

    [Fact]
    public void Bytes_and_text_of_one_reply_get_one_verdict_and_one_entry()
    {
        var cache = new ReplyVerdictCache();
        const string reply = "host mta7.am0.yahoodns.net[67.195.204.70] refused to talk to me: 421 4.7.0 [TS03] All messages from [192.0.2.10] will be permanently deferred";
        var bytes = System.Text.Encoding.UTF8.GetBytes(reply);
        var fromText = cache.Classify("4.7.0", reply);
        Assert.Equal(ReplyClassifier.Classify("4.7.0", reply), fromText);
        Assert.Equal(fromText, cache.Classify("4.7.0", bytes));
        // The same array again is answered from the last verdict; a different dsn is not.
        Assert.Same(cache.Classify("4.7.0", bytes), cache.Classify("4.7.0", bytes));
        Assert.Equal(ReplyClassifier.Classify(null, reply), cache.Classify(null, bytes));
        Assert.Equal(2, cache.Count);
    }
}

public class ProviderGuessTests
{
    [Theory]
    [InlineData("mta7.am0.yahoodns.net[67.195.204.70]:25", "Yahoo")]
    [InlineData("gmail-smtp-in.l.google.com[142.250.27.26]:25", "Gmail")]
    [InlineData("GMAIL-SMTP-IN.L.GOOGLE.COM[142.250.27.26]:25", "Gmail")]
    [InlineData("outlook-com.olc.protection.outlook.com[52.101.8.39]:25", "Microsoft")]
    [InlineData("mx1.icloud.com[17.57.154.33]:25", "Apple")]
    [InlineData("mx2.bsufrhgrgnbv.com[62.252.155.149]:25", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Names_the_provider_of_a_relay_host(string? relay, string? provider) =>
        Assert.Equal(provider, ReplyClassifier.GuessProvider(relay));

    [Fact]
    public void Finds_the_same_provider_as_a_full_classification()
    {
        // GuessProvider looks for the hints' words only; an unclassified reply's provider comes from all the table's words.
        foreach (var relay in new[] { "mta5.am0.yahoodns.net[98.136.96.76]:25", "smtp-in.orange.fr[193.252.22.65]:25", "mx.example.net[203.0.113.5]:25", "x.aol.com.gsmtp.example[192.0.2.1]" })
        {
            Assert.Equal(ReplyClassifier.Classify(null, relay).Provider, ReplyClassifier.GuessProvider(relay));
        }
    }
}

public class EnhancedStatusCodeTests
{
    [Theory]
    [InlineData("5.7.1", true)]
    [InlineData(" 4.7.650 ", true)]
    [InlineData("2.0.0", true)]
    [InlineData("5.07.1", false)]
    [InlineData("5.7.01", false)]
    [InlineData("5.7.1 x", false)]
    [InlineData("x", false)]
    [InlineData("5.7.1000", false)]
    public void A_dsn_field_parses_when_it_is_one_code_in_canonical_form(string text, bool parses)
    {
        Assert.Equal(parses, EnhancedStatusCode.TryParse(text, out var code));
        if (parses)
        {
            Assert.Equal(text.Trim(), code.ToString());
        }
    }
}
