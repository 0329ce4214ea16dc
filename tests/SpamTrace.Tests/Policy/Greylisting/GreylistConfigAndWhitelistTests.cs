using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Whitelists;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Tests.Policy.Greylisting;

public sealed class GreylistConfigAndWhitelistTests
{
    [Fact]
    public void Without_a_greylist_section_greylisting_is_off_and_with_one_it_has_postgreys_defaults()
    {
        Assert.False(PolicyTestSupport.Config("{}").Greylist.Enabled);
        var g = PolicyTestSupport.Config("""{ "greylist": {} }""").Greylist;
        Assert.True(g.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(300), g.Delay);
        Assert.Equal(TimeSpan.FromDays(2), g.RetryWindow);
        Assert.Equal(TimeSpan.FromDays(35), g.MaxAge);
        Assert.Equal(5, g.AutoWhitelist);
        Assert.Equal((24, 64), (g.PrefixV4, g.PrefixV6));
        Assert.Equal("DEFER_IF_PERMIT 4.7.1 Greylisted, retry in 300 seconds", Greylister.Deferral(g, 300, "example.net").Text);
    }

    [Fact]
    public void Errors_in_the_greylist_section_name_the_file_and_line()
    {
        var json = """
            {
              "greylist": {
                "delay": "five minutes",
                "mode": "learning",
                "action": "REJECT",
                "mynetworks": ["10.0.0.0/8", "not-a-net"],
                "retryWindow": "1m",
                "spfPools": { "timeoutMs": 0, "dns": "localhost" },
                "whitelistClient": []
              }
            }
            """;
        var ex = Assert.Throws<PolicyConfigException>(() => PolicyTestSupport.Config(json, "/etc/spamtrace/policy.json"));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:3: greylist.delay: 'five minutes'", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:4: greylist.mode:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:5: greylist.action:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:6: greylist.mynetworks[1]:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:7: greylist.retryWindow:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:8: greylist.spfPools.timeoutMs:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:8: greylist.spfPools.dns:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("/etc/spamtrace/policy.json:9: greylist.whitelistClient: unknown setting", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_whitelist_line_is_reported_with_the_whitelist_files_own_name_and_line()
    {
        var dir = Directory.CreateTempSubdirectory("spamtrace-gl-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "clients"), "# comment\nexample.com\n\n/^mx[0-9+\\.example\\.org$/\n300.1.2.3\n");
            File.WriteAllText(Path.Combine(dir, "recipients"), "postmaster@\nfoo bar\n");
            var json = """{ "greylist": { "whitelistClients": ["clients", "clients.local"], "whitelistRecipients": ["recipients", "missing"] } }""";
            var config = Path.Combine(dir, "policy.json");
            File.WriteAllText(config, json);
            var ex = Assert.Throws<PolicyConfigException>(() => PolicyConfigLoader.Load(config));
            Assert.Contains(ex.Errors, e => e.StartsWith($"{dir}/clients:4: '/^mx[0-9+", StringComparison.Ordinal));
            Assert.Contains(ex.Errors, e => e.StartsWith($"{dir}/clients:5: '300.1.2.3'", StringComparison.Ordinal));
            Assert.Contains(ex.Errors, e => e.StartsWith($"{dir}/recipients:2: 'foo bar' doesn't look like an address", StringComparison.Ordinal));
            Assert.Contains(ex.Errors, e => e == $"{dir}/missing: not found");
            // A missing ".local" file is fine, as in postgrey.
            Assert.DoesNotContain(ex.Errors, e => e.Contains("clients.local", StringComparison.Ordinal));
            Assert.Equal(4, ex.Errors.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [SkippableFact]
    public void Debians_shipped_whitelists_load_as_they_are_and_match_as_postgrey_reads_them()
    {
        Skip.IfNot(File.Exists("/etc/postgrey/whitelist_clients") && File.Exists("/etc/postgrey/whitelist_recipients"), "postgrey is not installed (deps/greylist.txt)");
        var errors = new List<string>();
        var clients = ClientWhitelist.Load(["/etc/postgrey/whitelist_clients", "/etc/postgrey/whitelist_clients.local"], errors);
        var recipients = RecipientWhitelist.Load(["/etc/postgrey/whitelist_recipients"], errors);
        Assert.Empty(errors);
        Assert.True(clients.Count > 100);
        // Domain entries match the name and its subdomains, never a name merely ending the same way.
        Assert.Equal("google.com", clients.Match("mail-sor-f41.google.com", null));
        Assert.Equal("google.com", clients.Match("GOOGLE.COM", null));
        Assert.Null(clients.Match("notgoogle.com", null));
        // Regular expressions, case-insensitive.
        Assert.Equal("/^mail\\d+\\.telekom\\.de$/", clients.Match("MAIL12.telekom.de", null));
        Assert.Null(clients.Match("mailx.telekom.de", null));
        // Addresses and a.b.c networks.
        Assert.Equal("66.216.126.174", clients.Match("unknown", System.Net.IPAddress.Parse("66.216.126.174")));
        Assert.Equal("195.235.39", clients.Match("unknown", System.Net.IPAddress.Parse("195.235.39.200")));
        Assert.Null(clients.Match("unknown", System.Net.IPAddress.Parse("195.235.40.1")));
        Assert.Null(clients.Match("unknown", System.Net.IPAddress.Parse("198.51.100.1")));
        // postmaster@ and abuse@ at any domain, with or without an extension; not a longer local part.
        Assert.Equal("postmaster@", recipients.Match("postmaster@our.example"));
        Assert.Equal("abuse@", recipients.Match("ABUSE+spam@our.example"));
        Assert.Null(recipients.Match("postmasters@our.example"));
        Assert.Null(recipients.Match("bob@our.example"));
    }

    [Theory]
    [InlineData("user@example.com", "user@example.com", true)]
    [InlineData("user@example.com", "user+tag@example.com", true)]
    [InlineData("user@example.com", "user+@example.com", false)]
    [InlineData("user@example.com", "user@sub.example.com", false)]
    [InlineData("example.com", "anyone@example.com", true)]
    [InlineData("example.com", "anyone@mx.example.com", true)]
    [InlineData("example.com", "anyone@badexample.com", false)]
    [InlineData("/^list-.*@/", "list-owner@example.org", true)]
    public void Recipient_entries_match_as_postgreys_regexes_do(string entry, string recipient, bool matches)
    {
        var list = new RecipientWhitelist();
        Assert.Null(list.Add(entry));
        Assert.Equal(matches, list.Match(recipient) is not null);
    }

    [Theory]
    [InlineData("192.0.2.0/24", "192.0.2.77", true)]
    [InlineData("192.0.2", "192.0.2.77", true)]
    [InlineData("10.1", "10.1.0.5", true)]
    [InlineData("10.1", "10.1.9.5", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::1", "2001:db8::2", false)]
    [InlineData("192.0.2.0/24", "::ffff:192.0.2.9", true)]
    public void Client_networks_match_as_postgrey_reads_them(string entry, string client, bool matches)
    {
        var list = new ClientWhitelist();
        Assert.Null(list.Add(entry));
        Assert.Equal(matches, list.Match("unknown", System.Net.IPAddress.Parse(client)) is not null);
    }
}
