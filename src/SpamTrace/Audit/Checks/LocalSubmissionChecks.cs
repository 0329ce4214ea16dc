using System.Text.RegularExpressions;
using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Relay;
using SpamTrace.Common;

namespace SpamTrace.Audit.Checks;

/// <summary>Mail submitted on the machine itself (sendmail, PHP mail()): who may, and whether its origin is traceable.</summary>
public static partial class LocalSubmissionChecks
{
    public static readonly ConfigCheck SubmitUsers = new("local.submit-users-open", AuditSeverity.Low,
        "Web server accounts may submit mail with sendmail",
        "A hacked PHP script sends through sendmail as the web server's account; authorized_submit_users decides whether it can.",
        FindSubmitUsers);

    public static readonly ConfigCheck PhpXHeader = new("local.php-no-x-header", AuditSeverity.Medium,
        "PHP does not add X-PHP-Originating-Script to the mail it sends",
        "Without mail.add_x_header nothing in a spam message names the PHP script that sent it, and finding it among thousands of files takes days.",
        FindPhp);

    public static readonly ConfigCheck HeaderLog = new("local.no-php-script-logging", AuditSeverity.Low,
        "No header_checks rule logs X-PHP-Originating-Script",
        "diagnose names a hacked script from that header only when Postfix writes it into the log.",
        FindHeaderLog);

    private static IEnumerable<CheckHit> FindSubmitUsers(AuditContext ctx)
    {
        var users = ctx.Host.WebServerUsers;
        if (users.Count == 0) { yield break; }
        var value = ctx.Items("authorized_submit_users");
        if (value.Count != 1 || value[0] != "static:anyone") { yield break; }
        yield return new CheckHit([ctx.Evidence("authorized_submit_users")])
        {
            Title = $"authorized_submit_users lets {string.Join(", ", users)} submit mail with sendmail",
            Changes = [AuditContext.Main("authorized_submit_users", string.Join(", ", users.Select(u => "!" + u).Append("static:anyone")))],
            Note = "Only when no site needs PHP mail(); sites that do should send through SMTP with a login (and get the policy service's limits).",
        };
    }

    private static IEnumerable<CheckHit> FindPhp(AuditContext ctx)
    {
        var ini = ctx.Host.PhpIniFiles;
        foreach (var main in ini.Where(f => Path.GetFileName(f) == "php.ini"))
        {
            var dir = Path.GetDirectoryName(main)!;
            var related = ini.Where(f => f == main || Path.GetDirectoryName(f) == Path.Combine(dir, "conf.d") || (main == "/etc/php.ini" && f.StartsWith("/etc/php.d/", StringComparison.Ordinal)));
            var (on, line) = (false, 0);
            foreach (var f in related)
            {
                if (ctx.Host.ReadText(f) is not { } text) { continue; }
                var lines = text.Split('\n');
                for (var i = 0; i < lines.Length; i++)
                {
                    var m = IniSetting().Match(lines[i]);
                    if (!m.Success) { continue; }
                    on = IsOn(m.Groups["v"].Value);
                    if (f == main) { line = i + 1; }
                }
            }
            if (on) { continue; }
            yield return new CheckHit([new AuditEvidence(line > 0 ? $"{main}:{line}" : main, line > 0 ? "mail.add_x_header is Off" : "mail.add_x_header not set (default Off)") { File = main, Line = line > 0 ? line : null }])
            {
                OtherCommands = [$"printf '%s\\n' 'mail.add_x_header = On' >> {ShellQuote.Quote(main)}"],
                Note = "Then restart PHP-FPM or the web server.",
            };
        }
        foreach (var pool in ctx.Host.PhpFpmPoolFiles)
        {
            if (ctx.Host.ReadText(pool) is not { } text) { continue; }
            var lines = text.Split('\n');
            for (var i = 0; i < lines.Length; i++)
            {
                var m = PoolSetting().Match(lines[i]);
                if (m.Success && !IsOn(m.Groups["v"].Value))
                {
                    yield return new CheckHit([new AuditEvidence($"{pool}:{i + 1}", lines[i].Trim()) { File = pool, Line = i + 1 }])
                    {
                        OtherCommands = [$"sed -i {ShellQuote.Quote($"{i + 1}s/.*/php_admin_flag[mail.add_x_header] = on/")} {ShellQuote.Quote(pool)}"],
                    };
                }
            }
        }
    }

    private static IEnumerable<CheckHit> FindHeaderLog(AuditContext ctx)
    {
        if (ctx.Host.PhpIniFiles.Count == 0 && ctx.Host.PhpFpmPoolFiles.Count == 0) { yield break; }
        foreach (var spec in ctx.Items("header_checks"))
        {
            var map = AccessMap.Open(spec, ctx.Host.ReadText);
            if (map.Entries.Any(e => e.Key.Contains("x-php-originating-script", StringComparison.OrdinalIgnoreCase)
                && (e.Action.StartsWith("WARN", StringComparison.OrdinalIgnoreCase) || e.Action.StartsWith("INFO", StringComparison.OrdinalIgnoreCase))))
            {
                yield break;
            }
        }
        var file = Path.Combine(ctx.Config.Directory, "header_checks_php");
        var existing = ctx.Items("header_checks").Append($"regexp:{file}");
        yield return new CheckHit([ctx.Evidence("header_checks")])
        {
            OtherCommands = [$"printf '%s\\n' {ShellQuote.Quote("/^X-PHP-Originating-Script:/ INFO")} >> {ShellQuote.Quote(file)}"],
            Changes = [AuditContext.Main("header_checks", string.Join(", ", existing))],
        };
    }

    private static bool IsOn(string value) => value.Trim().Trim('"').ToLowerInvariant() is "on" or "1" or "yes" or "true";

    [GeneratedRegex(@"^\s*mail\.add_x_header\s*=\s*(?<v>[^;\r\n]*)", RegexOptions.IgnoreCase)]
    private static partial Regex IniSetting();

    [GeneratedRegex(@"^\s*php(?:_admin)?_(?:flag|value)\[mail\.add_x_header\]\s*=\s*(?<v>[^;\r\n]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PoolSetting();
}
