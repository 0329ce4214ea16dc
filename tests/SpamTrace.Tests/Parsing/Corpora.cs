namespace SpamTrace.Tests.Parsing;

/// <summary>Locates ../shared/corpora next to the repository (the folder holding SpamTrace.slnx).</summary>
internal static class Corpora
{
    public static string? Root { get; } = Find();

    public static string? LogsDir => Root is null ? null : Path.Combine(Root, "logs");

    /// <summary>Skips the calling test with a visible reason when the corpora are not there.</summary>
    public static string RequireLogs()
    {
        Skip.If(LogsDir is null || !Directory.Exists(LogsDir), "../shared/corpora/logs not found next to the repository: corpus test skipped");
        return LogsDir!;
    }

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SpamTrace.slnx")))
            {
                // ../shared/corpora of the repository; a git worktree (/work/wt/NAME) sits one level deeper.
                for (var up = dir.Parent; up is not null; up = up.Parent)
                {
                    var corpora = Path.Combine(up.FullName, "shared", "corpora");
                    if (Directory.Exists(corpora))
                    {
                        return corpora;
                    }
                }
                return null;
            }
        }
        return null;
    }
}
