using System.Text.RegularExpressions;

namespace SpamTrace.Dns.Discovery;

/// <summary>
/// The DKIM selectors and private keys the server signs with: amavis dkim_key() lines (as iRedMail writes them),
/// OpenDKIM's KeyTable (or its single Domain/Selector/KeyFile), Rspamd's dkim_signing.conf.
/// </summary>
public static partial class DkimDiscovery
{
    /// <summary>Where each stack keeps its configuration on Debian/Ubuntu and RHEL (iRedMail's paths included).</summary>
    public static readonly string[] AmavisFiles = ["/etc/amavis/conf.d/50-user", "/etc/amavisd/amavisd.conf", "/etc/amavisd.conf", "/etc/amavis/amavisd.conf"];
    public static readonly string[] OpenDkimFiles = ["/etc/opendkim.conf", "/etc/opendkim/opendkim.conf"];
    public static readonly string[] RspamdFiles = ["/etc/rspamd/local.d/dkim_signing.conf", "/etc/rspamd/override.d/dkim_signing.conf"];

    [GeneratedRegex(@"^\s*dkim_key\s*\(\s*['""]([^'""]+)['""]\s*,\s*['""]([^'""]+)['""]\s*,\s*['""]([^'""]+)['""]", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex AmavisKey();

    [GeneratedRegex(@"^\s*(?<name>\w+)\s*=\s*""?(?<value>[^"";\n]*)""?\s*;?", RegexOptions.CultureInvariant | RegexOptions.Multiline)]
    private static partial Regex RspamdSetting();

    [GeneratedRegex(@"(?<domain>[A-Za-z0-9.\-]+)\s*\{(?<body>[^{}]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex RspamdDomain();

    public static void FromAmavis(string path, DnsTargets targets)
    {
        var text = File.ReadAllText(path);
        var found = false;
        foreach (Match m in AmavisKey().Matches(text))
        {
            var line = text.AsSpan(0, m.Index).Count('\n') + 1;
            targets.AddSelector(new DkimSelector(m.Groups[1].Value.ToLowerInvariant(), m.Groups[2].Value, m.Groups[3].Value, $"{path}:{line} dkim_key"));
            targets.AddDomain(m.Groups[1].Value, $"{path}:{line} dkim_key");
            found = true;
        }
        if (found || text.Contains("amavis", StringComparison.OrdinalIgnoreCase))
        {
            targets.DkimStack ??= "amavis";
        }
    }

    /// <summary>opendkim.conf: its KeyTable file (refile:/file: prefixes accepted), or its own Domain, Selector and KeyFile.</summary>
    public static void FromOpenDkim(string configPath, DnsTargets targets)
    {
        targets.DkimStack ??= "opendkim";
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in File.ReadLines(configPath))
        {
            var line = raw.Split('#')[0].Trim();
            var parts = line.Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2)
            {
                settings[parts[0]] = parts[1].Trim();
            }
        }
        if (settings.TryGetValue("KeyTable", out var table))
        {
            var file = table.Contains(':') ? table[(table.IndexOf(':') + 1)..] : table;
            if (File.Exists(file))
            {
                FromKeyTable(file, targets);
            }
            else
            {
                targets.Notes.Add($"{configPath}: KeyTable {file} not found");
            }
        }
        else if (settings.TryGetValue("Domain", out var domain) && settings.TryGetValue("Selector", out var selector))
        {
            foreach (var d in domain.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                targets.AddSelector(new DkimSelector(d.ToLowerInvariant(), selector, settings.GetValueOrDefault("KeyFile"), $"{configPath} Domain/Selector"));
                targets.AddDomain(d, $"{configPath} Domain");
            }
        }
    }

    /// <summary>KeyTable lines: "KEYNAME DOMAIN:SELECTOR:KEYPATH".</summary>
    public static void FromKeyTable(string path, DnsTargets targets)
    {
        targets.DkimStack ??= "opendkim";
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Split('#')[0].Trim();
            var parts = line.Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2)
            {
                continue;
            }
            var fields = parts[1].Split(':', 3);
            if (fields.Length == 3)
            {
                targets.AddSelector(new DkimSelector(fields[0].ToLowerInvariant(), fields[1], fields[2], $"{path}:{number}"));
                targets.AddDomain(fields[0], $"{path}:{number}");
            }
        }
    }

    /// <summary>dkim_signing.conf: per-domain blocks, else the global selector and path applied to every sending domain.</summary>
    public static void FromRspamd(string path, DnsTargets targets)
    {
        targets.DkimStack ??= "rspamd";
        var text = File.ReadAllText(path);
        foreach (Match block in RspamdDomain().Matches(text))
        {
            var settings = Settings(block.Groups["body"].Value);
            if (settings.TryGetValue("selector", out var selector))
            {
                var domain = block.Groups["domain"].Value.ToLowerInvariant();
                targets.AddSelector(new DkimSelector(domain, selector, settings.GetValueOrDefault("path")?.Replace("$domain", domain).Replace("$selector", selector), $"{path} domain {domain}"));
                targets.AddDomain(domain, $"{path} domain block");
            }
        }
        var global = Settings(RspamdDomain().Replace(text, ""));
        if (global.TryGetValue("selector", out var defaultSelector))
        {
            foreach (var domain in targets.Domains.Select(d => d.Value).ToList())
            {
                var keyPath = global.GetValueOrDefault("path")?.Replace("$domain", domain).Replace("$selector", defaultSelector);
                targets.AddSelector(new DkimSelector(domain, defaultSelector, keyPath, $"{path} selector"));
            }
        }
    }

    private static Dictionary<string, string> Settings(string text) =>
        RspamdSetting().Matches(text).GroupBy(m => m.Groups["name"].Value).ToDictionary(g => g.Key, g => g.Last().Groups["value"].Value.Trim(), StringComparer.Ordinal);
}
