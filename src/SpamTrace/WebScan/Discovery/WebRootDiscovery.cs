using System.Text.RegularExpressions;

namespace SpamTrace.WebScan.Discovery;

/// <summary>
/// The web roots of this machine: Apache DocumentRoot, nginx root, PHP-FPM pools' chroot, then /var/www, /srv/www
/// and /home/*/public_html. <see cref="SystemRoot"/> lets tests point it at a fake file system.
/// </summary>
public sealed class WebRootDiscovery(string systemRoot = "/")
{
    private static readonly string[] ConfigDirectories =
        ["etc/apache2", "etc/httpd", "etc/nginx", "etc/php", "etc/php-fpm.d", "etc/opt/remi", "usr/local/etc/php-fpm.d"];

    private static readonly Regex Directive = new(
        @"^\s*(DocumentRoot|root|chroot)\s*[=\s]\s*""?([^""\s;]+)""?\s*;?\s*$",
        RegexOptions.IgnoreCase | RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Multiline,
        TimeSpan.FromSeconds(1));

    public string SystemRoot { get; } = systemRoot;

    /// <summary>Existing web roots, each with where it was learned; nested roots are dropped (their parent is scanned).</summary>
    public List<(string Root, string Source)> Discover()
    {
        var found = new List<(string Root, string Source)>();
        foreach (var directory in ConfigDirectories.Select(d => Path.Combine(SystemRoot, d)).Where(Directory.Exists))
        {
            foreach (var file in SafeFiles(directory))
            {
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                foreach (Match match in Directive.Matches(text))
                {
                    var value = match.Groups[2].Value;
                    if (!value.StartsWith('/') || value.Contains('$'))
                    {
                        continue;
                    }
                    var line = text.AsSpan(0, match.Index).Count('\n') + 1;
                    found.Add((Map(value), $"{file}:{line} {match.Groups[1].Value}"));
                }
            }
        }
        foreach (var fixedRoot in new[] { "var/www", "srv/www" })
        {
            found.Add((Path.Combine(SystemRoot, fixedRoot), "default"));
        }
        var home = Path.Combine(SystemRoot, "home");
        if (Directory.Exists(home))
        {
            foreach (var user in Directory.EnumerateDirectories(home))
            {
                found.Add((Path.Combine(user, "public_html"), "default"));
            }
        }
        var existing = found.Where(f => Directory.Exists(f.Root))
            .Select(f => (Root: Path.TrimEndingDirectorySeparator(Path.GetFullPath(f.Root)), f.Source))
            .DistinctBy(f => f.Root, StringComparer.Ordinal).ToList();
        return existing.Where(f => !existing.Any(o => o.Root != f.Root && f.Root.StartsWith(o.Root + "/", StringComparison.Ordinal))).ToList();
    }

    private string Map(string path) => Path.Combine(SystemRoot, path.TrimStart('/'));

    private static IEnumerable<string> SafeFiles(string directory)
    {
        try
        {
            return Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 4 })
                .Where(f => f.EndsWith(".conf", StringComparison.Ordinal) || !Path.GetFileName(f).Contains('.')).Take(2000).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
