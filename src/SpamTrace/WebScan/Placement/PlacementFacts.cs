namespace SpamTrace.WebScan.Placement;

/// <summary>
/// Where a PHP file sits, as the placement rules name it: directories that should hold no code, hidden paths,
/// PHP behind another extension, a PHPMailer copy outside a library tree, a file unlike its siblings.
/// </summary>
public static class PlacementFacts
{
    private static readonly string[] UploadDirs = ["uploads", "upload", "files", "userfiles", "user_uploads"];
    private static readonly string[] CacheDirs = ["cache", "tmp", "temp", "sessions"];
    private static readonly string[] ImageDirs = ["images", "image", "img", "imgs", "pictures", "photos", "gallery", "thumbs", "thumbnails", "icons"];
    /// <summary>Where a library copy of PHPMailer belongs.</summary>
    private static readonly string[] LibraryDirs = ["vendor", "plugins", "plugin", "modules", "libraries", "library", "lib", "libs", "wp-includes", "phpmailer", "extensions", "components", "src"];

    /// <summary>Documentation and templates quote PHP legitimately; an image or a log that holds PHP is the sign.</summary>
    private static readonly string[] DocumentExtensions = [".txt", ".md", ".rst", ".html", ".htm", ".xml", ".tpl", ".twig", ".dist", ".example", ".sample", ".po", ".pot", ".json", ".yml", ".yaml", ".sql"];

    public static readonly string[] PhpExtensions = [".php", ".phtml", ".php3", ".php4", ".php5", ".php7", ".php8", ".phps", ".pht", ".inc", ".phar"];

    /// <summary>The placement names that apply to <paramref name="relativePath"/> (relative to the scanned root).</summary>
    public static List<string> Of(string relativePath, bool isPhpMailer, bool mtimeUnlike, bool ownerUnlike)
    {
        var facts = new List<string>();
        var parts = relativePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var directories = parts[..^1];
        var name = parts[^1];
        if (directories.Any(d => UploadDirs.Contains(d, StringComparer.OrdinalIgnoreCase))) { facts.Add("uploads_dir"); }
        if (directories.Any(d => CacheDirs.Contains(d, StringComparer.OrdinalIgnoreCase))) { facts.Add("cache_dir"); }
        if (directories.Any(d => ImageDirs.Contains(d, StringComparer.OrdinalIgnoreCase))) { facts.Add("image_dir"); }
        if (parts.Any(p => p.StartsWith('.') && p is not "." and not ".." && p != ".well-known")) { facts.Add("hidden_path"); }
        if (!HasPhpExtension(name) && !DocumentExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase))) { facts.Add("php_in_other_extension"); }
        if (isPhpMailer && !directories.Any(d => LibraryDirs.Contains(d, StringComparer.OrdinalIgnoreCase))) { facts.Add("phpmailer_outside_vendor"); }
        if (mtimeUnlike) { facts.Add("mtime_unlike_siblings"); }
        if (ownerUnlike) { facts.Add("owner_unlike_siblings"); }
        return facts;
    }

    public static bool HasPhpExtension(string name) =>
        PhpExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
}
