using System.Reflection;
using SpamTrace.Audit.Findings;

namespace SpamTrace.Dns.Blocklists;

/// <summary>The lists asked, read from the embedded tables Data/blocklists.tsv and Data/blocklist-codes.tsv.</summary>
public static class BlocklistCatalog
{
    private static readonly Lazy<IReadOnlyList<Blocklist>> BuiltIn = new(() => Parse(Resource("blocklists.tsv"), Resource("blocklist-codes.tsv")));

    public static IReadOnlyList<Blocklist> Default => BuiltIn.Value;

    /// <summary>Parses the two tables; a bad line throws <see cref="FormatException"/> naming the table and line.</summary>
    public static IReadOnlyList<Blocklist> Parse(string lists, string codes)
    {
        var byList = new Dictionary<string, List<BlocklistCode>>(StringComparer.Ordinal);
        foreach (var (line, fields) in Rows(codes, "blocklist-codes.tsv", 5))
        {
            var severity = AuditSeverities.Parse(fields[3]) ?? throw new FormatException($"blocklist-codes.tsv:{line}: unknown severity '{fields[3]}'");
            if (fields[2] is not ("listed" or "error"))
            {
                throw new FormatException($"blocklist-codes.tsv:{line}: outcome must be listed or error, not '{fields[2]}'");
            }
            var code = new BlocklistCode(fields[1], fields[2] == "error", severity, fields[4]);
            if (!code.Code.StartsWith("bit:", StringComparison.Ordinal) && !System.Net.IPAddress.TryParse(code.Code, out _))
            {
                throw new FormatException($"blocklist-codes.tsv:{line}: code must be an address or bit:N, not '{fields[1]}'");
            }
            if (!byList.TryGetValue(fields[0], out var list))
            {
                byList[fields[0]] = list = [];
            }
            list.Add(code);
        }
        var result = new List<Blocklist>();
        foreach (var (line, fields) in Rows(lists, "blocklists.tsv", 6))
        {
            var query = fields[2] switch
            {
                "ip" => BlocklistQuery.Ip,
                "ip46" => BlocklistQuery.Ip46,
                "domain" => BlocklistQuery.Domain,
                "allow" => BlocklistQuery.Allow,
                _ => throw new FormatException($"blocklists.tsv:{line}: query must be ip, ip46, domain or allow, not '{fields[2]}'"),
            };
            var own = byList.TryGetValue(fields[0], out var c) ? c : [];
            var shared = byList.TryGetValue("*", out var s) ? s : [];
            result.Add(new Blocklist(fields[0], fields[1], query, fields[3], fields[4], fields[5], [.. own, .. shared]));
        }
        return result;
    }

    private static IEnumerable<(int Line, string[] Fields)> Rows(string text, string name, int columns)
    {
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var fields = line.Split('\t');
            if (fields.Length != columns)
            {
                throw new FormatException($"{name}:{number}: {fields.Length} columns, {columns} expected");
            }
            yield return (number, fields);
        }
    }

    private static string Resource(string file)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("Dns.Data." + file, StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }
}
