using System.Collections.Concurrent;
using System.Diagnostics;
using SpamTrace.WebScan.Placement;
using SpamTrace.WebScan.Scoring;
using SpamTrace.WebScan.Walking;

namespace SpamTrace.WebScan;

/// <summary>
/// Walks the roots, reads every PHP candidate once and scores it, one directory per task on all cores
/// (a directory at a time so that each file is compared with its siblings).
/// </summary>
public sealed class WebScanner(WebScanOptions options)
{
    private readonly FileScorer scorer = new(options.Rules);

    public WebScanReport Scan()
    {
        var clock = Stopwatch.StartNew();
        var report = new WebScanReport { Roots = options.Roots, Threshold = options.Threshold };
        var results = new ConcurrentBag<ScoredFile>();
        long seen = 0, php = 0, bytes = 0;
        foreach (var root in options.Roots)
        {
            if (!Directory.Exists(root))
            {
                report.Errors.Add($"{root}: no such directory");
                continue;
            }
            var walker = new TreeWalker(root);
            var directories = walker.Directories();
            Parallel.ForEach(directories, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Threads) }, directory =>
            {
                var files = walker.Files(directory);
                var siblings = new SiblingStats(files.Select(f => f.Status));
                foreach (var entry in files)
                {
                    Interlocked.Increment(ref seen);
                    var scored = ScanFile(entry, siblings, walker, out var read);
                    if (read > 0)
                    {
                        Interlocked.Increment(ref php);
                        var total = Interlocked.Add(ref bytes, read);
                        options.Progress?.Invoke(Interlocked.Read(ref php), total);
                    }
                    if (scored is not null)
                    {
                        results.Add(scored);
                    }
                }
            });
            report.SkippedLinks += walker.SkippedLinks;
            report.Errors.AddRange(walker.Errors);
        }
        report.FilesSeen = seen;
        report.PhpFiles = php;
        report.Bytes = bytes;
        report.Files = results.Where(r => r.Score > 0).OrderByDescending(r => r.Score).ThenBy(r => r.Path, StringComparer.Ordinal).ToList();
        report.Elapsed = clock.Elapsed;
        return report;
    }

    private ScoredFile? ScanFile(TreeEntry entry, SiblingStats siblings, TreeWalker walker, out long read)
    {
        read = 0;
        PhpFileReader.Content? content;
        var phpExtension = PlacementFacts.HasPhpExtension(entry.RelativePath);
        try
        {
            content = PhpFileReader.Read(entry.Path, entry.Status.Size, phpExtension, options.MaxFileBytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            lock (walker.Errors) { walker.Errors.Add($"{entry.Path}: cannot read: {ex.Message}"); }
            return null;
        }
        if (content is null)
        {
            return null;
        }
        read = Math.Max(1, content.Text.Length);
        var isPhpMailer = content.Text.Contains("class PHPMailer", StringComparison.OrdinalIgnoreCase);
        var placements = PlacementFacts.Of(entry.RelativePath, isPhpMailer, siblings.MtimeUnlike(entry.Status), siblings.OwnerUnlike(entry.Status));
        var (score, reasons, layers) = scorer.Score(content.Text, placements, entry.RelativePath);
        return new ScoredFile
        {
            Path = entry.Path,
            Size = entry.Status.Size,
            Score = score,
            Reasons = reasons,
            Sampled = content.Sampled,
            DecodedLayers = layers,
            Uid = entry.Status.Uid,
            Modified = entry.Status.Modified,
            Changed = entry.Status.Changed,
        };
    }
}
