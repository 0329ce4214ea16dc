using SpamTrace.Common;

namespace SpamTrace.Dns.Dkim;

/// <summary>The commands that set DKIM signing up, for the signing software found on the server.</summary>
public static class DkimSetup
{
    public const string DefaultSelector = "dkim";

    public static IReadOnlyList<string> Commands(string? stack, string domain, string selector)
    {
        var d = ShellQuote.Quote(domain);
        var s = ShellQuote.Quote(selector);
        return stack switch
        {
            "amavis" =>
            [
                $"amavisd genrsa /var/lib/dkim/{ShellQuote.Quote(domain + ".pem")} 2048",
                $"chown amavis:amavis /var/lib/dkim/{ShellQuote.Quote(domain + ".pem")}",
                $"# amavisd.conf (iRedMail: /etc/amavisd/amavisd.conf): dkim_key({PerlString(domain)}, {PerlString(selector)}, '/var/lib/dkim/{domain}.pem');",
                $"# and in @dkim_signature_options_bysender_maps: {PerlString(domain)} => {{ d => {PerlString(domain)}, a => 'rsa-sha256', ttl => 10*24*3600 }},",
                "systemctl restart amavis || systemctl restart amavisd",
                "amavisd showkeys    # prints the TXT record to publish",
            ],
            "rspamd" =>
            [
                $"rspamadm dkim_keygen -b 2048 -d {d} -s {s} -k /var/lib/rspamd/dkim/{ShellQuote.Quote(domain + "." + selector + ".key")}    # prints the TXT record to publish",
                "chown _rspamd:_rspamd /var/lib/rspamd/dkim/*.key",
                "# /etc/rspamd/local.d/dkim_signing.conf: path = \"/var/lib/rspamd/dkim/$domain.$selector.key\"; selector = \"" + selector + "\";",
                "systemctl reload rspamd",
            ],
            _ =>
            [
                "apt-get install opendkim opendkim-tools    # or: dnf install opendkim opendkim-tools",
                $"mkdir -p /etc/opendkim/keys/{d} && opendkim-genkey -b 2048 -d {d} -s {s} -D /etc/opendkim/keys/{d}",
                $"chown -R opendkim:opendkim /etc/opendkim/keys/{d}",
                $"echo {ShellQuote.Quote($"{selector}._domainkey.{domain} {domain}:{selector}:/etc/opendkim/keys/{domain}/{selector}.private")} >> /etc/opendkim/KeyTable",
                $"echo {ShellQuote.Quote($"*@{domain} {selector}._domainkey.{domain}")} >> /etc/opendkim/SigningTable",
                "# /etc/opendkim.conf: KeyTable /etc/opendkim/KeyTable, SigningTable refile:/etc/opendkim/SigningTable, Socket inet:8891@127.0.0.1",
                "postconf -e 'smtpd_milters = inet:127.0.0.1:8891' 'non_smtpd_milters = $smtpd_milters' 'milter_default_action = accept'",
                "systemctl restart opendkim && postfix reload",
                $"cat /etc/opendkim/keys/{d}/{ShellQuote.Quote(selector + ".txt")}    # the TXT record to publish",
            ],
        };
    }

    private static string PerlString(string value) => "'" + value.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
