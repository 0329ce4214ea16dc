namespace SpamTrace.Forensics;

/// <summary>
/// uid -> user name from a passwd file, used only when the log comes from this machine (the uid of another
/// host's log means nothing here).
/// </summary>
public sealed class UidNames
{
    private readonly Dictionary<int, string> _names;
    private readonly HashSet<string> _localHosts;

    public UidNames(IReadOnlyDictionary<int, string> names, IEnumerable<string> localHostNames)
    {
        _names = new Dictionary<int, string>(names);
        _localHosts = new HashSet<string>(localHostNames, StringComparer.OrdinalIgnoreCase);
    }

    public static readonly UidNames None = new(new Dictionary<int, string>(), []);

    private bool _anyHost;

    /// <summary>A passwd file copied from the log's host (--passwd): its names apply whatever host the log names.</summary>
    public static UidNames FromFile(string passwdPath)
    {
        if (!File.Exists(passwdPath))
        {
            throw new FileNotFoundException($"{passwdPath}: passwd file not found", passwdPath);
        }
        var names = FromSystem(passwdPath);
        names._anyHost = true;
        return names;
    }

    /// <summary>Reads /etc/passwd (or the given file) and this machine's host names; missing file: no names.</summary>
    public static UidNames FromSystem(string passwdPath = "/etc/passwd")
    {
        var names = new Dictionary<int, string>();
        try
        {
            foreach (var line in File.ReadLines(passwdPath))
            {
                var f = line.Split(':');
                if (f.Length >= 3 && int.TryParse(f[2], out var uid) && !names.ContainsKey(uid))
                {
                    names[uid] = f[0];
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        var host = Environment.MachineName;
        var hosts = new List<string> { host, host.Split('.')[0], "localhost" };
        try
        {
            var fqdn = System.Net.Dns.GetHostName();
            hosts.Add(fqdn);
            hosts.Add(fqdn.Split('.')[0]);
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
        return new UidNames(names, hosts);
    }

    /// <summary>The user name of a uid logged by <paramref name="host"/>, when that host is this machine.</summary>
    public string? NameOf(string host, int uid) =>
        (_anyHost || _localHosts.Contains(host) || _localHosts.Contains(host.Split('.')[0])) && _names.TryGetValue(uid, out var n) ? n : null;
}
