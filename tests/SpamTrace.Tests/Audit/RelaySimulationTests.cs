using SpamTrace.Audit.Relay;

namespace SpamTrace.Tests.Audit;

public sealed class RelaySimulationTests : IDisposable
{
    private readonly AuditFixture fx = new();

    public void Dispose() => fx.Dispose();

    private List<ServiceRelay> Simulate(string extra = "", string? master = null) =>
        RelaySimulator.Simulate(fx.Load(extra, master), fx.Host.ReadText);

    private static RelayVerdict Case(List<ServiceRelay> services, string service, ClientKind client, bool ours) =>
        services.Single(s => s.Label.StartsWith(service, StringComparison.Ordinal)).Verdicts.Single(v => v.Client.Kind == client && v.RecipientIsOurs == ours);

    [Fact]
    public void Good_config_relays_only_for_authenticated_and_local_clients_and_names_the_deciding_restriction()
    {
        var s = Simulate();
        var internet = Case(s, "smtp", ClientKind.Internet, ours: false);
        Assert.Equal(RelayOutcome.Rejected, internet.Outcome);
        Assert.Equal("smtpd_relay_restrictions", internet.DecidedBy!.List);
        Assert.Equal(3, internet.DecidedBy.Position);
        Assert.Equal("reject_unauth_destination", internet.DecidedBy.Item);
        Assert.Equal(RelayOutcome.Accepted, Case(s, "smtp", ClientKind.Internet, ours: true).Outcome);
        Assert.Equal(RelayOutcome.NotApplicable, Case(s, "smtp", ClientKind.InternetWithAuth, ours: false).Outcome); // no AUTH on 25
        var loop = Case(s, "smtp", ClientKind.Loopback, ours: false);
        Assert.True(loop.Relays);
        Assert.Equal("permit_mynetworks", loop.DecidedBy!.Item);
        Assert.Equal(RelayOutcome.NotApplicable, Case(s, "smtp", ClientKind.MyNetworks, ours: false).Outcome);
        var auth = Case(s, "submission", ClientKind.InternetWithAuth, ours: false);
        Assert.True(auth.Relays);
        Assert.Equal(RelayOutcome.Rejected, Case(s, "submission", ClientKind.Internet, ours: true).Outcome);
        Assert.Equal("smtpd_client_restrictions", Case(s, "submission", ClientKind.Internet, ours: true).DecidedBy!.List);
        Assert.Contains(Case(s, "smtp", ClientKind.Internet, ours: true).Caveats, c => c.Contains("check_policy_service", StringComparison.Ordinal));
    }

    [Fact]
    public void A_permit_before_reject_unauth_destination_relays_for_anyone()
    {
        // The recipient list runs too: its own reject_unauth_destination would still refuse.
        Assert.False(Case(Simulate("smtpd_relay_restrictions = permit\nsmtpd_recipient_restrictions = permit_mynetworks, reject_unauth_destination"),
            "smtp", ClientKind.Internet, ours: false).Relays);
        var s = Simulate("smtpd_relay_restrictions = permit_mynetworks, permit, reject_unauth_destination");
        var v = Case(s, "smtp", ClientKind.Internet, ours: false);
        Assert.True(v.Relays);
        Assert.Equal(("smtpd_relay_restrictions", 2, "permit"), (v.DecidedBy!.List, v.DecidedBy.Position, v.DecidedBy.Item));
    }

    [Fact]
    public void Wide_mynetworks_makes_the_Internet_client_trusted()
    {
        var s = Simulate("mynetworks = 0.0.0.0/0");
        Assert.True(Case(s, "smtp", ClientKind.Internet, ours: false).Relays);
        Assert.Equal("permit_mynetworks", Case(s, "smtp", ClientKind.Internet, ours: false).DecidedBy!.Item);
    }

    [Fact]
    public void A_lan_in_mynetworks_relays_from_a_lan_host_only()
    {
        var s = Simulate("mynetworks = 127.0.0.0/8 10.1.0.0/16");
        var lan = Case(s, "smtp", ClientKind.MyNetworks, ours: false);
        Assert.Equal("10.1.0.1", lan.Client.Address.ToString());
        Assert.True(lan.Relays);
        Assert.False(Case(s, "smtp", ClientKind.Internet, ours: false).Relays);
    }

    [Fact]
    public void Relay_without_smtpd_relay_restrictions_uses_the_recipient_list_and_defer_unauth_destination()
    {
        var s = Simulate("smtpd_relay_restrictions =\nsmtpd_recipient_restrictions = permit_mynetworks, defer_unauth_destination");
        var v = Case(s, "smtp", ClientKind.Internet, ours: false);
        Assert.Equal(RelayOutcome.Deferred, v.Outcome);
        Assert.Equal(("smtpd_recipient_restrictions", 2), (v.DecidedBy!.List, v.DecidedBy.Position));
    }

    [Fact]
    public void No_relay_control_at_all_is_a_configuration_error_that_refuses_everything()
    {
        var s = Simulate("smtpd_relay_restrictions =\nsmtpd_recipient_restrictions = permit_mynetworks");
        var v = Case(s, "smtp", ClientKind.Internet, ours: true);
        Assert.Equal(RelayOutcome.Deferred, v.Outcome);
        Assert.Contains("451", v.Reason);
    }

    [Fact]
    public void Permit_auth_destination_accepts_our_domain_before_a_reject()
    {
        var s = Simulate("smtpd_relay_restrictions = permit_auth_destination, reject");
        Assert.Equal(RelayOutcome.Accepted, Case(s, "smtp", ClientKind.Internet, ours: true).Outcome);
        Assert.Equal(RelayOutcome.Rejected, Case(s, "smtp", ClientKind.Internet, ours: false).Outcome);
    }

    [Fact]
    public void A_cidr_client_map_is_looked_up_and_a_wide_OK_entry_covers_the_Internet()
    {
        fx.Host.Add("/etc/postfix/clients.cidr", "# partners\n192.0.2.77/32 OK\n0.0.0.0/1 OK\n");
        var s = Simulate("smtpd_relay_restrictions = check_client_access cidr:/etc/postfix/clients.cidr, permit_mynetworks, reject_unauth_destination");
        var v = Case(s, "smtp", ClientKind.Internet, ours: false);
        Assert.True(v.Relays);
        Assert.Contains("0.0.0.0/1", v.DecidedBy!.Detail);
        Assert.Equal("check_client_access cidr:/etc/postfix/clients.cidr", v.DecidedBy.Item);
    }

    [Fact]
    public void A_narrow_client_map_entry_does_not_make_the_Internet_a_relay()
    {
        fx.Host.Add("/etc/postfix/clients", "192.0.2.77 OK\n");
        var s = Simulate("smtpd_relay_restrictions = check_client_access hash:/etc/postfix/clients, permit_mynetworks, reject_unauth_destination");
        Assert.Equal(RelayOutcome.Rejected, Case(s, "smtp", ClientKind.Internet, ours: false).Outcome);
    }

    [Fact]
    public void A_sender_map_that_permits_is_open_to_any_client_forging_that_sender()
    {
        fx.Host.Add("/etc/postfix/senders_ok", "example.com OK\nspammer@x.test REJECT\n");
        var s = Simulate("smtpd_relay_restrictions = check_sender_access hash:/etc/postfix/senders_ok, permit_mynetworks, reject_unauth_destination");
        var v = Case(s, "smtp", ClientKind.Internet, ours: false);
        Assert.True(v.Relays);
        Assert.Contains("example.com OK", v.DecidedBy!.Detail);
    }

    [Fact]
    public void A_database_map_before_reject_unauth_destination_cannot_be_decided()
    {
        var s = Simulate("smtpd_relay_restrictions = check_client_access mysql:/etc/postfix/mysql-clients.cf, permit_mynetworks, reject_unauth_destination");
        var v = Case(s, "smtp", ClientKind.Internet, ours: false);
        Assert.Equal(RelayOutcome.Undecided, v.Outcome);
        Assert.Equal(1, v.DecidedBy!.Position);
    }

    [Fact]
    public void A_database_map_after_the_refusal_leaves_the_refusal_decided()
    {
        var s = Simulate("smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination, check_client_access mysql:/etc/postfix/m.cf");
        Assert.Equal(RelayOutcome.Rejected, Case(s, "smtp", ClientKind.Internet, ours: false).Outcome);
    }

    [Fact]
    public void Restriction_classes_are_evaluated_where_a_map_names_them()
    {
        fx.Host.Add("/etc/postfix/lan.cidr", "127.0.0.0/8 trusted\n");
        var s = Simulate("""
            smtpd_restriction_classes = trusted
            trusted = permit
            mynetworks = 10.9.9.9
            smtpd_relay_restrictions = check_client_access cidr:/etc/postfix/lan.cidr, reject_unauth_destination
            """);
        var loop = Case(s, "smtp", ClientKind.Loopback, ours: false);
        Assert.True(loop.Relays);
        Assert.Contains("trusted", loop.DecidedBy!.Detail);
        Assert.False(Case(s, "smtp", ClientKind.Internet, ours: false).Relays);
    }

    [Fact]
    public void Master_cf_overrides_apply_per_service_and_postscreen_is_followed_to_its_smtpd()
    {
        var master = """
            smtp      inet  n       -       y       -       1       postscreen
            smtpd     pass  -       -       y       -       -       smtpd
              -o smtpd_relay_restrictions=permit
            submission inet n       -       y       -       -       smtpd
            """;
        var s = Simulate(master: master);
        Assert.True(Case(s, "smtp (postscreen", ClientKind.Internet, ours: false).Relays);
        Assert.False(Case(s, "submission", ClientKind.Internet, ours: false).Relays);
        Assert.Equal(25, s.Single(x => x.Label.StartsWith("smtp (postscreen", StringComparison.Ordinal)).Port);
    }

    [Fact]
    public void A_loopback_only_service_has_no_Internet_cases()
    {
        var s = Simulate();
        var v = Case(s, "127.0.0.1:10025", ClientKind.Internet, ours: false);
        Assert.Equal(RelayOutcome.NotApplicable, v.Outcome);
        Assert.True(Case(s, "127.0.0.1:10025", ClientKind.Loopback, ours: false).Relays);
    }

    [Theory]
    [InlineData("127.0.0.0/8 [::1]/128 !10.0.0.1 10.0.0.0/8", "10.0.0.1", false)]
    [InlineData("127.0.0.0/8 10.0.0.0/8", "10.200.0.1", true)]
    [InlineData("10.1.2.3/8", "10.9.9.9", true)]
    [InlineData("[2001:db8::]/32", "2001:db8::5", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    public void Network_lists_match_like_Postfix(string list, string address, bool expected)
    {
        var n = NetworkList.Parse(SpamTrace.Audit.Config.PostfixConfig.Items(list), _ => null);
        Assert.Equal(expected, n.Contains(System.Net.IPAddress.Parse(address)));
    }

    [Fact]
    public void A_host_name_in_mynetworks_makes_membership_unknown()
    {
        var n = NetworkList.Parse(["127.0.0.0/8", "partner.example"], _ => null);
        Assert.Null(n.Contains(System.Net.IPAddress.Parse("203.0.113.1")));
    }
}
