using System.Text;

namespace SpamTrace.Audit.Config;

/// <summary>
/// Reads main.cf as Postfix does: a logical line starts with non-whitespace and continues on lines that start with
/// whitespace; lines whose first non-whitespace character is '#' and blank lines are ignored, also inside a
/// continued line; "name = value" with whitespace around both trimmed; the last definition wins.
/// </summary>
public static class MainCfParser
{
    public static List<MainCfEntry> Parse(string path) => Parse(File.ReadAllLines(path), path);

    public static List<MainCfEntry> Parse(IReadOnlyList<string> lines, string path)
    {
        var entries = new List<MainCfEntry>();
        var current = new StringBuilder();
        var start = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }
            if (char.IsWhiteSpace(line[0]))
            {
                if (current.Length == 0)
                {
                    throw new ConfigException($"{path}:{i + 1}: continuation line without a parameter before it");
                }
                current.Append(' ').Append(trimmed.TrimEnd());
                continue;
            }
            Flush(entries, current, path, start);
            current.Append(line.TrimEnd());
            start = i + 1;
        }
        Flush(entries, current, path, start);
        return entries;
    }

    private static void Flush(List<MainCfEntry> entries, StringBuilder current, string path, int line)
    {
        if (current.Length == 0)
        {
            return;
        }
        var text = current.ToString();
        current.Clear();
        var eq = text.IndexOf('=');
        if (eq <= 0)
        {
            throw new ConfigException($"{path}:{line}: missing '=' after parameter name: {Shorten(text)}");
        }
        var name = text[..eq].Trim();
        if (name.Length == 0 || !name.All(IsNameChar))
        {
            throw new ConfigException($"{path}:{line}: bad parameter name: {Shorten(name)}");
        }
        entries.Add(new MainCfEntry(name, text[(eq + 1)..].Trim(), path, line));
    }

    public static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    private static string Shorten(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
