namespace SpamTrace.Tests.Support;

/// <summary>Finds ../shared/corpora next to the repository (the folder holding SpamTrace.slnx).</summary>
public static class SharedCorpora
{
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SpamTrace.slnx")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    /// <summary>
    /// The corpus folder, or null when it is absent (tests then skip visibly). ../shared/corpora of the
    /// repository first; a git worktree nested deeper (/work/wt/NAME) finds it further up.
    /// </summary>
    public static string? Find(string name)
    {
        var root = RepositoryRoot();
        for (var dir = root is null ? null : Directory.GetParent(root); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "corpora", name);
            if (Directory.Exists(path))
            {
                return path;
            }
        }
        return null;
    }
}
