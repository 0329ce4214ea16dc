using SpamTrace.WebScan;

namespace SpamTrace.Tests.WebScan;

public sealed class TreeWalkerTests
{
    [Fact]
    public void Php_is_found_by_extension_and_by_sniffing_and_symlinks_out_of_the_tree_are_not_followed()
    {
        using var tree = new WebScanTestTree();
        using var outside = new WebScanTestTree();
        var shell = "<?php system($_GET['cmd']);";
        tree.Write("site/index.php", "<?php echo 'hi';");
        var inImage = tree.Write("site/wp-content/uploads/2024/logo.jpg", "\xff\xd8\xff\xe0JFIF" + shell);
        var phtml = tree.Write("site/a.phtml", shell);
        tree.Write("site/readme.txt", "plain text, no code: system($_GET['cmd'])");
        var target = outside.Write("evil.php", shell);
        File.CreateSymbolicLink(Path.Combine(tree.Root, "site", "link.php"), target);
        Directory.CreateSymbolicLink(Path.Combine(tree.Root, "site", "linkdir"), outside.Root);
        File.CreateSymbolicLink(Path.Combine(tree.Root, "site", "inside.php"), phtml);

        var report = new WebScanner(new WebScanOptions { Roots = [tree.Root] }).Scan();

        Assert.Equal(2, report.SkippedLinks);
        Assert.Equal(4, report.PhpFiles);
        var flagged = report.Flagged.Select(f => f.Path).ToList();
        Assert.Contains(inImage, flagged);
        Assert.Contains(phtml, flagged);
        Assert.DoesNotContain(target, flagged);
        var image = report.Flagged.Single(f => f.Path == inImage);
        Assert.Contains(image.Reasons, r => r.RuleId == "other-extension");
        Assert.Contains(image.Reasons, r => r.RuleId == "in-uploads");
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public void Huge_files_are_sampled_and_say_so()
    {
        using var tree = new WebScanTestTree();
        var path = tree.Write("big.php", "<?php system($_GET['cmd']);\n" + new string('x', 300_000) + "\n");
        var report = new WebScanner(new WebScanOptions { Roots = [tree.Root], MaxFileBytes = 64 * 1024 }).Scan();
        var file = Assert.Single(report.Files);
        Assert.True(file.Sampled);
        Assert.Equal(path, file.Path);
        Assert.True(report.Bytes <= 64 * 1024 + 1);
    }

    [Fact]
    public void A_file_newer_than_its_siblings_and_owned_by_someone_else_gets_placement_points()
    {
        using var tree = new WebScanTestTree();
        var old = DateTime.UtcNow.AddDays(-200);
        for (var i = 0; i < 6; i++)
        {
            File.SetLastWriteTimeUtc(tree.Write($"wp/f{i}.php", "<?php echo 1;"), old);
        }
        tree.Write("wp/new.php", "<?php echo 2;");
        var report = new WebScanner(new WebScanOptions { Roots = [tree.Root], Threshold = 1 }).Scan();
        var file = Assert.Single(report.Files);
        Assert.EndsWith("new.php", file.Path);
        Assert.Contains(file.Reasons, r => r.RuleId == "newer-than-siblings");
    }
}
