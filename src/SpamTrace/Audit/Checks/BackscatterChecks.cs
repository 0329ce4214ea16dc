using System.Text.RegularExpressions;
using SpamTrace.Audit.Findings;

namespace SpamTrace.Audit.Checks;

/// <summary>Mail accepted for recipients that do not exist, then bounced to forged senders.</summary>
public static partial class BackscatterChecks
{
    public static readonly ConfigCheck RelayNoRecipients = new("backscatter.relay-no-recipient-maps", AuditSeverity.High,
        "relay_domains without relay_recipient_maps",
        "Mail for any address of a relay domain is accepted and bounced later when the next hop refuses it: backscatter to forged senders, in your name.",
        // relay_domains defaults to $mydestination under old compatibility levels: those domains are local, not relayed.
        ctx => ctx.Items("relay_domains").Except(ctx.Items("mydestination"), StringComparer.OrdinalIgnoreCase).Any() && ctx.Items("relay_recipient_maps").Count == 0
            ? [new CheckHit([ctx.Evidence("relay_domains"), ctx.Evidence("relay_recipient_maps")])
                { Note = "Set relay_recipient_maps to a table of the valid addresses of those domains (postconf -e 'relay_recipient_maps = hash:/etc/postfix/relay_recipients', then postmap it)." }]
            : []);

    public static readonly ConfigCheck LocalRecipientsEmpty = new("backscatter.local-recipient-maps-empty", AuditSeverity.High,
        "local_recipient_maps is empty",
        "With no local recipient table smtpd accepts mail for any local address and the bounce goes to whoever the spammer forged.",
        ctx => ctx.Config.IsExplicit("local_recipient_maps") && ctx.Items("local_recipient_maps").Count == 0 && ctx.Items("mydestination").Count > 0
            ? [new CheckHit([ctx.Evidence("local_recipient_maps")]) { Changes = [AuditContext.Main("local_recipient_maps", "proxy:unix:passwd.byname $alias_maps")] }]
            : []);

    public static readonly ConfigCheck VirtualNoMaps = new("backscatter.virtual-no-maps", AuditSeverity.High,
        "Virtual domains without a table of their addresses",
        "Virtual domains without virtual_mailbox_maps/virtual_alias_maps accept mail for addresses nobody has and bounce it afterwards.",
        FindVirtual);

    public static readonly ConfigCheck UnlistedOff = new("backscatter.unlisted-recipient-off", AuditSeverity.Medium,
        "smtpd_reject_unlisted_recipient = no",
        "Unknown recipients are then accepted and bounced later instead of refused during the SMTP session.",
        ctx => !ctx.Config.Bool("smtpd_reject_unlisted_recipient")
            ? [new CheckHit([ctx.Evidence("smtpd_reject_unlisted_recipient")]) { Changes = [AuditContext.Main("smtpd_reject_unlisted_recipient", "yes")] }]
            : []);

    public static readonly ConfigCheck AmavisBounce = new("backscatter.amavis-bounce", AuditSeverity.High,
        "amavis bounces spam ($final_spam_destiny = D_BOUNCE)",
        "Spam senders are forged: a bounce for each spam goes to an innocent address, and receivers block the server for backscatter.",
        FindAmavis);

    private static IEnumerable<CheckHit> FindVirtual(AuditContext ctx)
    {
        if (ctx.Items("virtual_mailbox_domains").Count > 0 && ctx.Items("virtual_mailbox_maps").Count == 0)
        {
            yield return new CheckHit([ctx.Evidence("virtual_mailbox_domains"), ctx.Evidence("virtual_mailbox_maps")]) { Title = "virtual_mailbox_domains without virtual_mailbox_maps" };
        }
        if (ctx.Config.IsExplicit("virtual_alias_domains") && ctx.Items("virtual_alias_domains").Count > 0 && ctx.Items("virtual_alias_maps").Count == 0)
        {
            yield return new CheckHit([ctx.Evidence("virtual_alias_domains"), ctx.Evidence("virtual_alias_maps")]) { Title = "virtual_alias_domains without virtual_alias_maps" };
        }
    }

    private static IEnumerable<CheckHit> FindAmavis(AuditContext ctx)
    {
        foreach (var file in ctx.Host.AmavisFiles)
        {
            if (ctx.Host.ReadText(file) is not { } text) { continue; }
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                if (SpamDestiny().Match(lines[i]) is { Success: true } m && m.Groups["d"].Value == "D_BOUNCE")
                {
                    yield return new CheckHit([new AuditEvidence($"{file}:{i + 1}", lines[i].Trim()) { File = file, Line = i + 1 }])
                    {
                        OtherCommands = [$"sed -i {Common.ShellQuote.Quote($"{i + 1}s/D_BOUNCE/D_DISCARD/")} {Common.ShellQuote.Quote(file)}"],
                        Note = "D_DISCARD drops it (or D_PASS with a spam header for users to filter); then restart amavis.",
                    };
                }
            }
        }
    }

    [GeneratedRegex(@"^\s*\$final_spam_destiny\s*=\s*(?<d>D_\w+)")]
    private static partial Regex SpamDestiny();
}
