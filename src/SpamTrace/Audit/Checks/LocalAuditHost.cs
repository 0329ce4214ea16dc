

namespace SpamTrace.Audit.Checks;

/// <summary>
/// This machine, at the Debian/Ubuntu and RHEL paths. With a config copied from another server, paths under
/// /etc/postfix/ are read from the copy instead, and <paramref name="machine"/> false leaves PHP, amavis and
/// Dovecot out (they are this machine's, not the copied server's).
/// </summary>
public sealed class LocalAuditHost(string configDirectory, bool machine = true) : IAuditHost
{
    private const string DefaultConfigDirectory = "/etc/postfix/";

    public IReadOnlyList<string> PhpIniFiles => machine
        ? [.. Glob("/etc/php", "*/*/php.ini"), .. Glob("/etc/php", "*/*/conf.d/*.ini"), .. Existing("/etc/php.ini"), .. Glob("/etc/php.d", "*.ini")]
        : [];

    public IReadOnlyList<string> PhpFpmPoolFiles => machine ? [.. Glob("/etc/php", "*/fpm/pool.d/*.conf"), .. Glob("/etc/php-fpm.d", "*.conf")] : [];

    public IReadOnlyList<string> AmavisFiles => machine
        ? [.. Glob("/etc/amavis/conf.d", "*"), .. Existing("/etc/amavisd/amavisd.conf"), .. Existing("/etc/amavisd.conf"), .. Existing("/etc/amavis/amavisd.conf")]
        : [];

    public IReadOnlyList<string> DovecotFiles => machine ? [.. Existing("/etc/dovecot/dovecot.conf"), .. Glob("/etc/dovecot/conf.d", "*.conf")] : [];

    public IReadOnlyList<string> WebServerUsers
    {
        get
        {
            if (!machine || ReadText("/etc/passwd") is not { } passwd) { return []; }
            var known = new HashSet<string>(["www-data", "apache", "nginx", "http", "wwwrun", "lighttpd"], StringComparer.Ordinal);
            return passwd.Split('\n').Select(l => l.Split(':')[0]).Where(known.Contains).ToList();
        }
    }

    public DateTimeOffset Now => DateTimeOffset.UtcNow;

    public IReadOnlyList<System.Net.IPAddress> OwnAddresses => Config.HostFacts.Local().Interfaces.Select(i => i.Address).ToList();

    public string? ReadText(string path)
    {
        var candidates = new List<string>();
        var copy = Path.GetFullPath(configDirectory).TrimEnd('/') + "/";
        if (path.StartsWith(DefaultConfigDirectory, StringComparison.Ordinal) && copy != DefaultConfigDirectory)
        {
            candidates.Add(copy + path[DefaultConfigDirectory.Length..]);
        }
        candidates.Add(path);
        foreach (var candidate in candidates)
        {
            try
            {
                if (File.Exists(candidate)) { return File.ReadAllText(candidate); }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        return null;
    }

    private static IEnumerable<string> Existing(string path) => File.Exists(path) ? [path] : [];

    private static IEnumerable<string> Glob(string root, string pattern)
    {
        if (!Directory.Exists(root)) { return []; }
        var parts = pattern.Split('/');
        IEnumerable<string> current = [root];
        for (var i = 0; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            current = current.SelectMany(d =>
            {
                try
                {
                    return last ? Directory.EnumerateFiles(d, parts[i]) : Directory.EnumerateDirectories(d, parts[i]);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return [];
                }
            }).ToList();
        }
        return current.Order(StringComparer.Ordinal);
    }
}
