using SpamTrace.Common;
namespace SpamTrace.Containment;

/// <summary>Edits the source text of an access(5) map: adds our lines, removes exactly those lines again.</summary>
public static class AccessMapFile
{
    /// <summary>The lookup keys present (first word of each non-comment line).</summary>
    public static HashSet<string> KeysIn(IEnumerable<string> lines)
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            if (line.Length == 0 || char.IsWhiteSpace(line[0]) || line[0] == '#')
            {
                continue; // blank lines, continuation lines, comments
            }
            keys.Add(line.Split([' ', '\t'], 2)[0]);
        }
        return keys;
    }

    /// <summary>Appends lines, preceded by a comment naming the journal, atomically.</summary>
    public static void Add(string path, IReadOnlyList<string> lines, string journalId)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : "";
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            text += "\n";
        }
        text += $"# added by spamtrace contain, journal {journalId}; undo: spamtrace contain --undo {journalId}\n";
        text += string.Join("", lines.Select(l => l + "\n"));
        AtomicFile.Write(path, text);
    }

    /// <summary>Removes the lines we added (exact text) and our comment; returns how many were found.</summary>
    public static int Remove(string path, IReadOnlyList<string> lines, string journalId)
    {
        if (!File.Exists(path))
        {
            return 0;
        }
        var ours = new HashSet<string>(lines, StringComparer.Ordinal);
        var comment = $"# added by spamtrace contain, journal {journalId};";
        var removed = 0;
        var kept = new List<string>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.StartsWith(comment, StringComparison.Ordinal))
            {
                continue;
            }
            if (ours.Remove(line))
            {
                removed++;
                continue;
            }
            kept.Add(line);
        }
        AtomicFile.Write(path, string.Join("", kept.Select(l => l + "\n")));
        return removed;
    }
}
