namespace SpamTrace.Policy.Limits;

/// <summary>
/// Who may use which envelope sender, like Postfix's smtpd_sender_login_maps: lines "address login[, login...]" or
/// "@domain login[, ...]"; '#' starts a comment. A sender not listed (by address, then by @domain) is owned by nobody,
/// as with reject_authenticated_sender_login_mismatch. The null sender is always allowed (bounces).
/// </summary>
public sealed class SenderLoginMap
{
    private readonly Dictionary<string, HashSet<string>> _owners = new(StringComparer.OrdinalIgnoreCase);

    public int Count => _owners.Count;

    public static SenderLoginMap Load(string path)
    {
        var map = new SenderLoginMap();
        var errors = new List<string>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw;
            var hash = line.IndexOf('#');
            if (hash >= 0)
            {
                line = line[..hash];
            }
            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }
            var fields = line.Split([' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || !fields[0].Contains('@'))
            {
                errors.Add($"{path}:{lineNumber}: expected \"address-or-@domain login[, login...]\"");
                continue;
            }
            if (!map._owners.TryGetValue(fields[0], out var owners))
            {
                map._owners[fields[0]] = owners = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }
            owners.UnionWith(fields[1..]);
        }
        if (errors.Count > 0)
        {
            throw new PolicyConfigException(errors);
        }
        return map;
    }

    public bool IsOwnedBy(string? sender, string user)
    {
        if (string.IsNullOrEmpty(sender))
        {
            return true;
        }
        if (_owners.TryGetValue(sender, out var owners))
        {
            return owners.Contains(user);
        }
        var at = sender.LastIndexOf('@');
        return at >= 0 && _owners.TryGetValue(sender[at..], out owners) && owners.Contains(user);
    }
}
