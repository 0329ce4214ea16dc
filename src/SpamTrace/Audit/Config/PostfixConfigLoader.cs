using SpamTrace.Queue;

namespace SpamTrace.Audit.Config;

/// <summary>
/// Loads an instance. With postconf installed (and not told otherwise), postconf's unexpanded table
/// (<c>postconf -c DIR</c>: this Postfix version's defaults, computed host values, main.cf) is the source of truth;
/// otherwise (a config copied from another server) main.cf is overlaid on the built-in 3.7 defaults.
/// master.cf is always read from the file, for line numbers.
/// </summary>
public sealed class PostfixConfigLoader(IProcessRunner? runner, HostFacts? host = null)
{
    public const string PostconfProgram = "postconf";

    public PostfixConfig Load(string directory)
    {
        var main = Path.Combine(directory, "main.cf");
        var master = Path.Combine(directory, "master.cf");
        if (!File.Exists(main))
        {
            throw new ConfigException($"{main}: not found");
        }
        var entries = MainCfParser.Parse(main);
        var explicitEntries = new Dictionary<string, MainCfEntry>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            explicitEntries[e.Name] = e;
        }
        var services = File.Exists(master) ? MasterCfParser.Parse(master) : [];
        var facts = host ?? HostFacts.Local();

        if (runner is not null && TryPostconf(directory) is { } table)
        {
            var version = table.TryGetValue("mail_version", out var v) ? v : "?";
            return new PostfixConfig(directory, table, explicitEntries, services, facts, $"postconf {version}");
        }

        var rawTable = new Dictionary<string, string>(PostfixDefaults.Values, StringComparer.Ordinal)
        {
            ["myhostname"] = facts.HostName,
            ["mydomain"] = facts.DomainName,
            ["config_directory"] = directory,
            ["process_name"] = "postconf",
        };
        foreach (var e in entries)
        {
            rawTable[e.Name] = e.Value;
        }
        return new PostfixConfig(directory, rawTable, explicitEntries, services, facts, "files (Postfix 3.7 defaults)");
    }

    /// <summary>postconf -c DIR: every parameter, unexpanded; null when postconf is missing or refuses the directory.</summary>
    private Dictionary<string, string>? TryPostconf(string directory)
    {
        ProcessResult result;
        try
        {
            result = runner!.Run(PostconfProgram, ["-c", directory]);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        if (result.ExitCode != 0)
        {
            return null;
        }
        return ParsePostconfOutput(result.StandardOutput);
    }

    /// <summary>"name = value" lines as postconf prints them (one line per parameter without -f).</summary>
    public static Dictionary<string, string> ParsePostconfOutput(string output)
    {
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var eq = line.IndexOf(" =", StringComparison.Ordinal);
            if (eq <= 0) { continue; }
            var value = line[(eq + 2)..];
            table[line[..eq]] = value.StartsWith(' ') ? value[1..] : value;
        }
        return table;
    }
}
