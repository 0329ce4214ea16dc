namespace SpamTrace.Audit.Checks;

/// <summary>The check table: every finding the config audit can report, in the order they are run.</summary>
public static class ConfigChecks
{
    public static readonly IReadOnlyList<ConfigCheck> All =
    [
        RelayChecks.OpenRelay, RelayChecks.WideMyNetworks, RelayChecks.MyNetworksStyle, RelayChecks.RelayDomainsWide,
        SubmissionChecks.AuthNotRequired, SubmissionChecks.TlsNotRequired, SubmissionChecks.SenderLogin, SubmissionChecks.AuthOnPort25,
        LimitChecks.NoPolicy, LimitChecks.PolicyAfterPermit, LimitChecks.AnvilOff,
        LocalSubmissionChecks.SubmitUsers, LocalSubmissionChecks.PhpXHeader, LocalSubmissionChecks.HeaderLog,
        BackscatterChecks.RelayNoRecipients, BackscatterChecks.LocalRecipientsEmpty, BackscatterChecks.VirtualNoMaps,
        BackscatterChecks.UnlistedOff, BackscatterChecks.AmavisBounce,
        IdentityChecks.NotFqdn, IdentityChecks.HeloOverride,
        HardeningChecks.Vrfy, HardeningChecks.HeloRequired, HardeningChecks.OldTls, HardeningChecks.Certificate,
        HardeningChecks.NoGreylisting, HardeningChecks.NoPostscreen, HardeningChecks.Dovecot,
    ];
}
