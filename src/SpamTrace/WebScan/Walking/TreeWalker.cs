using SpamTrace.Common;

namespace SpamTrace.WebScan.Walking;

/// <summary>
/// Lists a tree's directories and files without leaving it: a symlink is followed only when it points at a file
/// inside the root; symlinked directories are not entered (their targets inside the tree are walked anyway).
/// </summary>
public sealed class TreeWalker(string root)
{
    public string Root { get; } = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));

    public int SkippedLinks { get; private set; }

    public List<string> Errors { get; } = [];

    /// <summary>Every directory under the root (the root first), never through a symlink.</summary>
    public List<string> Directories()
    {
        var result = new List<string>();
        var pending = new Stack<string>();
        pending.Push(Root);
        while (pending.Count > 0)
        {
            var directory = pending.Pop();
            result.Add(directory);
            try
            {
                foreach (var sub in new DirectoryInfo(directory).EnumerateDirectories("*", new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0, RecurseSubdirectories = false }).OrderByDescending(d => d.Name, StringComparer.Ordinal))
                {
                    if (sub.LinkTarget is not null)
                    {
                        lock (Errors) { SkippedLinks++; }
                        continue;
                    }
                    pending.Push(sub.FullName);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lock (Errors) { Errors.Add($"{directory}: cannot list: {ex.Message}"); }
            }
        }
        return result;
    }

    /// <summary>The regular files of one directory (symlinks to files inside the root included).</summary>
    public List<TreeEntry> Files(string directory)
    {
        var entries = new List<TreeEntry>();
        IEnumerable<FileInfo> files;
        try
        {
            files = new DirectoryInfo(directory).EnumerateFiles("*", new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0 }).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            lock (Errors) { Errors.Add($"{directory}: cannot list: {ex.Message}"); }
            return entries;
        }
        foreach (var file in files)
        {
            try
            {
                if (Entry(file) is { } entry) { entries.Add(entry); }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                lock (Errors) { Errors.Add($"{file.FullName}: {ex.Message}"); }
            }
        }
        return entries;
    }

    private TreeEntry? Entry(FileInfo file)
    {
        {
            var path = file.FullName;
            if (file.LinkTarget is not null)
            {
                var target = ResolveInside(file);
                if (target is null)
                {
                    lock (Errors) { SkippedLinks++; }
                    return null;
                }
                path = target;
            }
            // FIFOs, sockets and devices would block or lie: only regular files are read.
            if (FileStatus.Of(path) is not { IsRegularFile: true } status)
            {
                return null;
            }
            return new TreeEntry(path, Path.GetRelativePath(Root, file.FullName).Replace('\\', '/'), status);
        }
    }

    private string? ResolveInside(FileInfo link)
    {
        try
        {
            var final = link.ResolveLinkTarget(returnFinalTarget: true);
            if (final is null || !final.Exists)
            {
                return null;
            }
            var full = Path.GetFullPath(final.FullName);
            return full.StartsWith(Root + "/", StringComparison.Ordinal) ? full : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
