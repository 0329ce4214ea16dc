namespace SpamTrace.Forensics;

/// <summary>
/// A hacked script: a uid (the web server's or a site's user) sending to many distinct external recipients.
/// A contact form writes to a few fixed addresses; a mailer writes to many strangers. Defining: distinct external
/// recipients, several envelope senders. Corroborating: the PHP script named by X-PHP-Originating-Script, the
/// web server's uid, and what every kind shares.
/// </summary>
internal static class LocalEvidence
{
    private static readonly HashSet<string> WebServerUsers = new(StringComparer.OrdinalIgnoreCase)
    {
        "www-data", "apache", "nginx", "httpd", "wwwrun", "www", "nobody", "php-fpm", "lighttpd",
    };

    public static Finding Add(JudgeContext ctx, OriginStats s, EvidenceSet ev, DateTime? burst)
    {
        if (s.ExternalRecipients < Detector.MinimumVolume)
        {
            return new Finding();
        }
        var distinct = ctx.ExternalAddresses(s);
        var domains = ctx.ExternalDomains(s);
        var points = distinct >= 100 ? 30 : distinct >= 25 ? 25 : distinct >= 10 ? 20 : 0;
        // A site's regular mail flows all along; a hijacked script starts at some point and floods.
        var steady = burst is null && ctx.Last - ctx.First >= TimeSpan.FromHours(2) && s.LastSeenUtc - s.FirstSeenUtc >= 0.5 * (ctx.Last - ctx.First);
        if (points > 0 && steady)
        {
            ev.Define("many-recipients", $"wrote to {distinct}{(s.Tally.AddressesSaturated ? "+" : "")} distinct external addresses in {domains} domains, but steadily over the whole log without a burst: a site's regular mail more than a hijacked mailer", points / 2);
        }
        else if (points > 0)
        {
            ev.Define("many-recipients", $"wrote to {distinct}{(s.Tally.AddressesSaturated ? "+" : "")} distinct external addresses in {domains} domain{(domains == 1 ? "" : "s")}: a mailer writing to strangers, not a form writing to a fixed address", points);
        }
        if (s.Senders.Count >= 3)
        {
            ev.Define("many-senders", $"{s.Senders.CountText} different envelope senders from one uid (forged From addresses)", 15);
        }
        var top = s.Scripts.Top(3).Select(p => p.Key).ToList();
        if (top.Count > 0)
        {
            // One script sending most of a uid's mail is the shape of a hacked site's mailer (or of a shop: the defining signs decide).
            var main = s.Scripts.Top(1).First();
            var dominant = main.Value * 2 >= s.Scripts.Counts.Values.Sum() && main.Value >= 3;
            ev.Corroborate("php-script", dominant
                ? $"{main.Value} of its messages from one PHP script, {main.Key} (X-PHP-Originating-Script)"
                : $"PHP script(s) named in X-PHP-Originating-Script: {string.Join(", ", top)}", dominant ? 15 : 10);
        }
        if (s.UserName is { } n ? WebServerUsers.Contains(n) : s.Id.Key is "33" or "48")
        {
            ev.Corroborate("web-server-user", $"uid {s.Id.Key}{(s.UserName is null ? "" : $" ({s.UserName})")} is the web server's: mail comes from a website", 10);
        }
        return new Finding();
    }
}
