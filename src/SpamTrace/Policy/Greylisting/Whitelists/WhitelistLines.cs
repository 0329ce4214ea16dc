namespace SpamTrace.Policy.Greylisting.Whitelists;

/// <summary>
/// Reads a postgrey whitelist file as postgrey does: '#' starts a comment anywhere, blanks around an entry are
/// dropped, empty lines skipped. Yields each entry with its line number.
/// </summary>
internal static class WhitelistLines
{
    public static IEnumerable<(string Entry, int Line)> Read(string path)
    {
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var hash = raw.IndexOf('#');
            var entry = (hash >= 0 ? raw[..hash] : raw).Trim();
            if (entry.Length > 0)
            {
                yield return (entry, number);
            }
        }
    }

    /// <summary>postgrey does not warn about a missing "*.local" file: it is the admin's optional addition.</summary>
    public static bool MayBeMissing(string path) => path.EndsWith(".local", StringComparison.Ordinal);
}
