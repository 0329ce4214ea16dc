namespace SpamTrace.Logs.Reading;

/// <summary>
/// Turns command-line log arguments (files, directories, globs, "-" for stdin, or nothing) into the
/// list of inputs to read, each rotated set in chronological order so that messages and year rollover
/// are seen the way they happened.
/// </summary>
public static class LogDiscovery
{
    public const string StdinPath = "-";

    /// <summary>Also stdin: Spectre.Console.Cli takes a lone "-" for an option, so commands accept this spelling too.</summary>
    public const string StdinDevice = "/dev/stdin";
    public const string DefaultLogRoot = "/var/log";

    /// <summary>The live file names of the mail log families, most complete first.</summary>
    private static readonly string[] MainFamilies = ["maillog", "mail.log"];

    /// <summary>
    /// Debian's rsyslog (up to Debian 11) also wrote mail.info, mail.warn and mail.err: filtered copies of
    /// mail.log by priority. Reading them as well would count every message two to four times, so a
    /// directory or glob takes only the most complete family present.
    /// </summary>
    private static readonly string[] SubsetFamilies = ["mail.info", "mail.warn", "mail.err"];

    public static (IReadOnlyList<LogInput> Inputs, IReadOnlyList<InputError> Errors) Resolve(IReadOnlyList<string> paths) =>
        Resolve(paths, DefaultLogRoot);

    /// <param name="paths">As given on the command line.</param>
    /// <param name="defaultRoot">Where to look when <paramref name="paths"/> is empty (tests point it elsewhere).</param>
    public static (IReadOnlyList<LogInput> Inputs, IReadOnlyList<InputError> Errors) Resolve(IReadOnlyList<string> paths, string defaultRoot)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var errors = new List<InputError>();
        var files = new List<string>();
        if (paths.Count == 0)
        {
            List<string> found;
            try
            {
                found = MailLogsIn(defaultRoot);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                found = [];
                errors.Add(new InputError(defaultRoot, null, $"cannot list the directory: {ex.Message}"));
            }
            if (found.Count == 0)
            {
                errors.Add(new InputError(defaultRoot, null,
                    $"no mail log found (looked for {Path.Combine(defaultRoot, "maillog*")} and {Path.Combine(defaultRoot, "mail.log*")}); name the log files to read"));
            }
            files.AddRange(found);
        }
        foreach (var path in paths)
        {
            if (path is StdinPath or StdinDevice)
            {
                files.Add(StdinPath);
            }
            else if (Directory.Exists(path))
            {
                List<string> found;
                try
                {
                    found = MailLogsIn(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    errors.Add(new InputError(path, null, $"cannot list the directory: {ex.Message}"));
                    continue;
                }
                if (found.Count == 0)
                {
                    errors.Add(new InputError(path, null, "directory holds no mail log (maillog*, mail.log*)"));
                }
                files.AddRange(found);
            }
            else if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (GlobExpander.IsGlob(path))
            {
                List<string> matches;
                try
                {
                    matches = GlobExpander.Expand(path).Where(File.Exists).ToList();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    errors.Add(new InputError(path, null, $"cannot expand the pattern: {ex.Message}"));
                    continue;
                }
                if (matches.Count == 0)
                {
                    errors.Add(new InputError(path, null, "no file matches"));
                }
                files.AddRange(DropSubsetDuplicates(matches));
            }
            else
            {
                errors.Add(new InputError(path, null, "no such file or directory"));
            }
        }
        return (OrderRotations(files).Select(ToInput).ToList(), errors);
    }

    /// <summary>The mail log files of one directory (not recursive).</summary>
    private static List<string> MailLogsIn(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var candidates = Directory.EnumerateFiles(directory)
            .Where(f => IsMailLogFamily(RotatedName.Parse(Path.GetFileName(f)).Family))
            .ToList();
        candidates.Sort(StringComparer.Ordinal);
        return DropSubsetDuplicates(candidates);
    }

    private static bool IsMailLogFamily(string family) => MainFamilies.Contains(family) || SubsetFamilies.Contains(family);

    /// <summary>Per directory, keeps the most complete mail log family and drops the priority-filtered copies.</summary>
    private static List<string> DropSubsetDuplicates(List<string> files)
    {
        var familiesByDir = files
            .GroupBy(f => Path.GetDirectoryName(f) ?? "")
            .ToDictionary(g => g.Key, g => g.Select(f => RotatedName.Parse(Path.GetFileName(f)).Family).ToHashSet());
        return files.Where(f =>
        {
            var family = RotatedName.Parse(Path.GetFileName(f)).Family;
            var index = Array.IndexOf(SubsetFamilies, family);
            if (index < 0)
            {
                return true;
            }
            var present = familiesByDir[Path.GetDirectoryName(f) ?? ""];
            return !MainFamilies.Any(present.Contains) && !SubsetFamilies.Take(index).Any(present.Contains);
        }).ToList();
    }

    /// <summary>
    /// Removes duplicates and sorts each rotated family oldest first; families stay in the order in which
    /// they were first named.
    /// </summary>
    internal static List<string> OrderRotations(IEnumerable<string> files)
    {
        var families = new List<(string Key, List<(string Path, RotatedName Name)> Members)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (file != StdinPath && !seen.Add(Path.GetFullPath(file)))
            {
                continue;
            }
            var name = file == StdinPath ? new RotatedName(StdinPath, RotationKind.Live, 0) : RotatedName.Parse(Path.GetFileName(file));
            // stdin is its own family each time it is named (reading it twice yields nothing the second time).
            var key = file == StdinPath ? "\0stdin" + families.Count : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file)) ?? "", name.Family);
            var family = families.FindIndex(f => f.Key == key);
            if (family < 0)
            {
                families.Add((key, []));
                family = families.Count - 1;
            }
            families[family].Members.Add((file, name));
        }
        var ordered = new List<string>();
        foreach (var (_, members) in families)
        {
            // A stable sort, so files of equal rank keep the order they were given in.
            ordered.AddRange(members.Order(Comparer<(string Path, RotatedName Name)>.Create((a, b) => RotatedName.CompareChronologically(a.Name, b.Name))).Select(m => m.Path));
        }
        return ordered;
    }

    private static LogInput ToInput(string path)
    {
        if (path == StdinPath)
        {
            return new LogInput(StdinPath, () => LogOpener.Open(Console.OpenStandardInput(), StdinPath), null);
        }
        var info = new FileInfo(path);
        // A file removed since it was listed (rotation running) is reported when it fails to open.
        return info.Exists
            ? new LogInput(path, () => LogOpener.Open(path), info.LastWriteTimeUtc, info.Length)
            : new LogInput(path, () => LogOpener.Open(path), null);
    }
}
