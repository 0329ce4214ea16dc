using System.IO.Enumeration;

namespace SpamTrace.Logs.Reading;

/// <summary>Expands shell-style wildcards (* and ?) in any component of a path, for when the shell did not (quoted arguments, Windows-style callers).</summary>
internal static class GlobExpander
{
    public static bool IsGlob(string path) => path.AsSpan().IndexOfAny('*', '?') >= 0;

    public static List<string> Expand(string pattern)
    {
        var rooted = Path.IsPathRooted(pattern);
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { rooted ? "/" : "" };
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            var last = i == parts.Length - 1;
            var next = new List<string>();
            foreach (var dir in current)
            {
                if (!IsGlob(part))
                {
                    var candidate = Join(dir, part);
                    if (last ? File.Exists(candidate) || Directory.Exists(candidate) : Directory.Exists(candidate))
                    {
                        next.Add(candidate);
                    }
                    continue;
                }
                var searchDir = dir.Length == 0 ? "." : dir;
                if (!Directory.Exists(searchDir))
                {
                    continue;
                }
                IEnumerable<string> entries = last ? Directory.EnumerateFileSystemEntries(searchDir) : Directory.EnumerateDirectories(searchDir);
                foreach (var entry in entries)
                {
                    var name = Path.GetFileName(entry);
                    // Like the shell: a leading dot is matched only by a pattern that starts with one.
                    if (name.StartsWith('.') && !part.StartsWith('.'))
                    {
                        continue;
                    }
                    if (FileSystemName.MatchesSimpleExpression(part, name, ignoreCase: false))
                    {
                        next.Add(Join(dir, name));
                    }
                }
            }
            current = next;
        }
        current.Sort(StringComparer.Ordinal);
        return current;
    }

    private static string Join(string dir, string name) => dir.Length == 0 ? name : dir == "/" ? "/" + name : dir + "/" + name;
}
