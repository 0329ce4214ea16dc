using System.Text;

namespace SpamTrace.Audit.Config;

/// <summary>
/// Reads master.cf: continuation lines start with whitespace, '#' lines are comments, fields are separated by
/// whitespace, and "-o name=value" or "-o { name = value with spaces }" (Postfix 3.0+) set a parameter for that
/// service only.
/// </summary>
public static class MasterCfParser
{
    public static List<MasterService> Parse(string path) => Parse(File.ReadAllLines(path), path);

    public static List<MasterService> Parse(IReadOnlyList<string> lines, string path)
    {
        var services = new List<MasterService>();
        var tokens = new List<(string Text, int Line)>();
        var start = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }
            if (!char.IsWhiteSpace(line[0]))
            {
                Flush(services, tokens, path, start);
                start = i + 1;
            }
            else if (tokens.Count == 0)
            {
                throw new ConfigException($"{path}:{i + 1}: continuation line without a service before it");
            }
            Tokenize(line, i + 1, path, tokens);
        }
        Flush(services, tokens, path, start);
        return services;
    }

    private static void Tokenize(string line, int number, string path, List<(string, int)> tokens)
    {
        var i = 0;
        while (i < line.Length)
        {
            if (char.IsWhiteSpace(line[i])) { i++; continue; }
            if (line[i] == '{')
            {
                var depth = 0;
                var s = i;
                for (; i < line.Length; i++)
                {
                    if (line[i] == '{') { depth++; }
                    else if (line[i] == '}' && --depth == 0) { i++; break; }
                }
                if (depth != 0)
                {
                    throw new ConfigException($"{path}:{number}: missing '}}'");
                }
                tokens.Add((line[s..i], number));
                continue;
            }
            var b = new StringBuilder();
            while (i < line.Length && !char.IsWhiteSpace(line[i])) { b.Append(line[i++]); }
            tokens.Add((b.ToString(), number));
        }
    }

    private static void Flush(List<MasterService> services, List<(string Text, int Line)> tokens, string path, int line)
    {
        if (tokens.Count == 0) { return; }
        if (tokens.Count < 8)
        {
            throw new ConfigException($"{path}:{line}: a service needs 8 fields, found {tokens.Count}");
        }
        var f = tokens.Select(t => t.Text).ToList();
        var args = new List<string>();
        var overrides = new List<ServiceOverride>();
        for (var i = 8; i < tokens.Count; i++)
        {
            var (text, at) = tokens[i];
            if (text == "-o" && i + 1 < tokens.Count)
            {
                var (value, valueLine) = tokens[++i];
                if (value.StartsWith('{'))
                {
                    value = value[1..^1].Trim();
                }
                var eq = value.IndexOf('=');
                if (eq <= 0)
                {
                    throw new ConfigException($"{path}:{valueLine}: -o needs name=value: {value}");
                }
                overrides.Add(new ServiceOverride(value[..eq].Trim(), value[(eq + 1)..].Trim(), valueLine));
            }
            else
            {
                args.Add(text);
                _ = at;
            }
        }
        services.Add(new MasterService(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], args, overrides, path, line));
        tokens.Clear();
    }
}
