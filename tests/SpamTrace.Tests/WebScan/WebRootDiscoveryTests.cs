using SpamTrace.WebScan.Discovery;

namespace SpamTrace.Tests.WebScan;

public sealed class WebRootDiscoveryTests
{
    [Fact]
    public void Roots_come_from_apache_nginx_and_fpm_configs_and_the_usual_places()
    {
        using var fs = new WebScanTestTree();
        fs.Write("etc/apache2/sites-enabled/shop.conf", "<VirtualHost *:80>\n  DocumentRoot \"/srv/shop/public\"\n</VirtualHost>\n");
        fs.Write("etc/nginx/sites-enabled/blog", "server {\n  root /var/www/blog;\n  root $document_root;\n}\n");
        fs.Write("etc/php/8.2/fpm/pool.d/legacy.conf", "[legacy]\nchroot = /opt/legacy\n");
        fs.Write("srv/shop/public/index.php", "");
        fs.Write("var/www/blog/index.php", "");
        fs.Write("opt/legacy/index.php", "");
        fs.Write("home/bob/public_html/index.php", "");
        fs.Write("home/carol/notes.txt", "");

        var roots = new WebRootDiscovery(fs.Root).Discover();

        var names = roots.Select(r => Path.GetRelativePath(fs.Root, r.Root)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["home/bob/public_html", "opt/legacy", "srv/shop/public", "var/www"], names);
        Assert.Contains(roots, r => r.Source.EndsWith("shop.conf:2 DocumentRoot", StringComparison.Ordinal));
    }
}
