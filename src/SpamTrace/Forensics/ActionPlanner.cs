using System.Globalization;
using SpamTrace.Common;
using SpamTrace.Containment;

namespace SpamTrace.Forensics;

/// <summary>
/// The exact commands that stop each culprit, most urgent first. Every value taken from the log is
/// shell-quoted; values that cannot be written safely into a Postfix map are refused with a note.
/// </summary>
public static class ActionPlanner
{
    private const int MaxSendersInFilter = 20;

    /// <summary>The steps for one culprit; logins are blocked as <paramref name="access"/> says (null: Postfix's defaults assumed).</summary>
    /// <param name="a">The culprit.</param>
    /// <param name="access">How this server blocks a login, read from its postconf.</param>
    public static IReadOnlyList<ActionStep> For(OriginAssessment a, AccessCheck? access = null) => WithAudit(a.Id.Kind, a.Id.Kind switch
    {
        CulpritKind.Sasl => StolenAccount(a, access ?? AccessCheck.Assumed()),
        CulpritKind.Local => LocalSender(a),
        CulpritKind.Relay => Relay(a),
        CulpritKind.Bounce => Backscatter(a),
        CulpritKind.Forward => Forwarding(a),
        _ => [new ActionStep("Find the origin", null, "The log starts after these messages were queued; run diagnose on older, rotated logs too (mail.log.1, mail.log.2.gz).")],
    });

    /// <summary>For an open relay or a stolen login, the config audit's findings tell how it was possible.</summary>
    private static IReadOnlyList<ActionStep> WithAudit(CulpritKind kind, IReadOnlyList<ActionStep> steps) =>
        kind is CulpritKind.Relay or CulpritKind.Sasl && Audit.AuditHints.Advice(kind) is { } advice ? [.. steps, new ActionStep(advice, "spamtrace audit")] : steps;

    private static List<ActionStep> StolenAccount(OriginAssessment a, AccessCheck access)
    {
        var user = a.Id.Key;
        var q = ShellQuote.Quote(user);
        var steps = new List<ActionStep>();
        if (ShellQuote.IsSafeMapKey(user))
        {
            // The same map, list and master.cf coverage as `spamtrace contain --sasl-user` (AccessCheck).
            var commands = access.BlockCommands(user, "REJECT account blocked: sending spam");
            for (var i = 0; i < commands.Count; i++)
            {
                steps.Add(new(commands[i].Title, commands[i].Command, i == 0 ? access.Coverage() : null));
            }
        }
        else
        {
            steps.Add(new("Block the login now", null,
                $"The login {user.ReplaceLineEndings(" ")} contains spaces or control characters and cannot be written into a map safely: disable it in the user database."));
        }
        steps.Add(new("Or let spamtrace do it, reviewable and undoable (dry run first, then --apply)", $"spamtrace contain --sasl-user {q}"));
        steps.Add(new("Change the password and end the attacker's open sessions",
            $"doveadm pw -s SHA512-CRYPT && doveadm kick {q}",
            "Store the new hash in the user database (passwd-file, SQL or LDAP of your stack); tell the user by phone, not by mail."));
        steps.Add(PurgeBySender(a, $"spamtrace contain --sasl-user {q}"));
        steps.Add(new("Then cap what any account can send",
            $"spamtrace policy block {q}",
            "The policy service keeps the account held until `spamtrace policy release`; set per-user limits in its config so the next stolen password costs fifty messages, not fifty thousand."));
        return steps;
    }

    private static List<ActionStep> LocalSender(OriginAssessment a)
    {
        var uid = a.Id.Key;
        var name = a.Stats.UserName;
        var steps = new List<ActionStep>
        {
            new("Who is uid " + uid, $"getent passwd {ShellQuote.Quote(uid)}"),
        };
        var since = a.SinceUtc.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // The script that sent most of it; the others only when none dominates (a site's legitimate contact form is noise here).
        var scripts = a.MainScript is { } main ? [main] : a.Stats.Scripts.Top(3).Select(p => p.Key).ToList();
        foreach (var script in scripts)
        {
            var file = Path.GetFileName(script);
            if (file.Length == 0)
            {
                continue;
            }
            steps.Add(new($"Find the script {script}",
                $"find /var/www /home /srv -xdev -name {ShellQuote.Quote(file)} -ls 2>/dev/null",
                "Look at who calls it in the web server's access log (POST requests just before the burst) and for files changed since the burst."));
            steps.Add(new("Who requested it",
                $"grep -F {ShellQuote.Quote(file)} /var/log/apache2/access.log /var/log/nginx/access.log /var/log/httpd/access_log 2>/dev/null | tail -n 20"));
        }
        steps.Add(new("Files of the sites changed since two days before the burst",
            $"find /var/www /home /srv -xdev -name '*.php' -newermt {since} -ls 2>/dev/null | head -n 50"));
        if (name is not null && ShellQuote.IsSafeMapKey(name))
        {
            steps.Add(new($"Stop {name} from submitting mail now (sendmail/mail() fail for it)",
                $"postconf -e {ShellQuote.Quote($"authorized_submit_users = !{name}, static:anyone")} && postfix reload",
                "Or for one site only: disable_functions = mail in that site's PHP-FPM pool, then reload php-fpm."));
        }
        else
        {
            // The "!" stays inside single quotes: in double quotes interactive bash expands it from its history.
            steps.Add(new("Stop that user from submitting mail now", "postconf -e 'authorized_submit_users = !'\"$(getent passwd " + ShellQuote.Quote(uid) + " | cut -d: -f1)\"', static:anyone' && postfix reload",
                "Or for one site only: disable_functions = mail in that site's PHP-FPM pool, then reload php-fpm."));
        }
        steps.Add(PurgeBySender(a, $"spamtrace contain --uid {ShellQuote.Quote(uid)}"));
        return steps;
    }

    private static List<ActionStep> Relay(OriginAssessment a)
    {
        var others = a.Id.IsOtherClients;
        var steps = new List<ActionStep>
        {
            new("See what lets this client relay", "postconf mynetworks mynetworks_style smtpd_relay_restrictions smtpd_recipient_restrictions"),
            new("Trust only this host (add real trusted hosts by hand)", "postconf -e 'mynetworks = 127.0.0.0/8 [::1]/128'"),
            new("Relay only for trusted and authenticated clients", "postconf -e 'smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination' && postfix reload",
                others
                    ? $"{a.Stats.ClientIps.CountText} more clients relayed than diagnose follows one by one: closing the relay stops them all."
                    : $"If {a.Id.Key} is one of your own hosts, it is the compromised machine: look there for the sending program."),
        };
        // The clients beyond the cap are not one address: their mail is held through the clients named one by one.
        if (!others)
        {
            steps.Add(new("Hold what it queued (dry run first, then --apply)", $"spamtrace contain --client {ShellQuote.Quote(a.Id.Key)}"));
        }
        steps.Add(new("Check from outside that relaying is refused (expect 554 5.7.1 Relay access denied)", "swaks --server YOUR.MX.HOST --to test@example.com --from test@example.com"));
        return steps;
    }

    private static List<ActionStep> Backscatter(OriginAssessment a)
    {
        var domains = a.TargetDomains.Where(ShellQuote.IsSafeMapKey).ToList();
        var which = domains.Count > 0 ? string.Join(", ", domains) : "each relay domain";
        return
        [
            new($"Validate the recipients of {which} at SMTP time: list the addresses that exist in /etc/postfix/relay_recipients first (one 'user@domain OK' line each, exported from the next hop), then",
                "postmap hash:/etc/postfix/relay_recipients && postconf -e 'relay_recipient_maps = hash:/etc/postfix/relay_recipients'",
                "Never a catch-all '@domain OK' line: it validates nothing. Without a list: smtpd_recipient_restrictions = ..., reject_unverified_recipient (asks the next hop)."),
            new("Reject unknown recipients at SMTP time instead of bouncing later", "postconf -e 'smtpd_reject_unlisted_recipient = yes'",
                "Check that every accepted domain has a recipient map: postconf local_recipient_maps virtual_mailbox_maps relay_recipient_maps."),
            new("Show the recipient maps", "postconf mydestination virtual_mailbox_domains relay_domains local_recipient_maps virtual_mailbox_maps relay_recipient_maps"),
            new("Do not bounce spam found after queueing (amavisd-new)", null, "In amavisd.conf: $final_spam_destiny = D_DISCARD; and $final_virus_destiny = D_DISCARD; then restart amavis."),
            new("Apply", "postfix reload"),
            new("Remove queued bounces (null sender) after review; this also drops genuine non-delivery notices",
                "postqueue -j | jq -r 'select(.sender == \"MAILER-DAEMON\" or .sender == \"\") | .queue_id' | postsuper -d -"),
        ];
    }

    private static List<ActionStep> Forwarding(OriginAssessment a) =>
    [
        new("See which aliases forward outside", "postconf virtual_alias_maps alias_maps"),
        new("Filter inbound spam before forwarding it", null, "Reject spam at SMTP time (postscreen, RBLs, a milter) so forwards carry none; use SRS (postsrsd) so forwards pass SPF."),
    ];

    private static ActionStep PurgeBySender(OriginAssessment a, string containCommand)
    {
        var senders = a.Stats.Senders.Items.OrderBy(s => s, StringComparer.Ordinal).ToList();
        if (senders.Count == 0 || senders.Count > MaxSendersInFilter || a.Stats.Senders.Saturated)
        {
            return new("Hold this origin's queued mail (dry run first, then --apply)", containCommand,
                $"{a.Stats.Senders.CountText} different envelope senders: too many to select by sender; spamtrace contain selects by origin.");
        }
        var filter = string.Join(" or ", senders.Select(s => ".sender == " + ShellQuote.JsonString(s)));
        var program = $"select({filter}) | .queue_id";
        return new("Hold its queued mail by sender (review with postcat -q ID; to delete instead, end the same pipe with postsuper -d -)",
            $"postqueue -j | jq -r {ShellQuote.Quote(program)} | postsuper -h -",
            $"Or: {containCommand}. Holding first keeps a copy for review; other senders' mail is not touched.");
    }
}
