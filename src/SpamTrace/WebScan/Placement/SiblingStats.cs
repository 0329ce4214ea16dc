using SpamTrace.Common;

namespace SpamTrace.WebScan.Placement;

/// <summary>What the files of one directory look like together: their usual mtime and owner.</summary>
public sealed class SiblingStats
{
    /// <summary>Fewer siblings than this say nothing about what is usual.</summary>
    public const int MinSiblings = 4;
    private static readonly TimeSpan Cluster = TimeSpan.FromDays(1);
    private static readonly TimeSpan Newer = TimeSpan.FromDays(7);

    private readonly List<FileStatus> files;

    public SiblingStats(IEnumerable<FileStatus> statuses) => files = statuses.ToList();

    /// <summary>Most siblings were written within a day of each other and this file more than a week after them.</summary>
    public bool MtimeUnlike(FileStatus file)
    {
        var others = files.Where(f => f != file).Select(f => f.Modified).OrderBy(t => t).ToList();
        if (others.Count < MinSiblings)
        {
            return false;
        }
        var median = others[others.Count / 2];
        var clustered = others.Count(t => (t - median).Duration() <= Cluster);
        return clustered * 4 >= others.Count * 3 && file.Modified - median > Newer && file.Modified > others[^1] - Cluster;
    }

    /// <summary>Every sibling has one owner and this file another.</summary>
    public bool OwnerUnlike(FileStatus file)
    {
        var others = files.Where(f => f != file).ToList();
        return others.Count >= MinSiblings && others.All(f => f.Uid == others[0].Uid) && file.Uid != others[0].Uid;
    }
}
