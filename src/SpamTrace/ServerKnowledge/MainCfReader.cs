namespace SpamTrace.ServerKnowledge;

/// <summary>
/// Reads the few parameters diagnose needs straight from a copied main.cf (no Postfix needed): "name = value" lines,
/// continuation lines that start with white space, comments, and $name / ${name} expansion with Postfix's defaults
/// for the names these values usually refer to.
/// </summary>
public static class MainCfReader
{
    /// <exception cref="ServerFactsException">DIR/main.cf is missing or unreadable.</exception>
    public static ServerFacts Read(string configDir)
    {
        var path = Path.Combine(configDir, "main.cf");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ServerFactsException($"{path}: cannot read the Postfix configuration: {e.Message}");
        }
        var raw = Parse(text);
        var facts = new ServerFacts(path);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in ServerFacts.Parameters)
        {
            var value = raw.TryGetValue(p, out var v) ? v : Default(p, raw);
            if (value is null)
            {
                if (p == "mynetworks")
                {
                    facts.Note("mynetworks is not set in main.cf: its default depends on the host's interfaces (mynetworks_style); trusted networks judged by address");
                }
                continue;
            }
            values[p] = Expand(value, raw, 0);
        }
        PostfixLists.Apply(facts, values, configDir);
        return facts;
    }

    /// <summary>main.cf's "name = value" pairs, the last one of a name winning, as in Postfix.</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }
            if (char.IsWhiteSpace(line[0]))
            {
                if (name is not null)
                {
                    values[name] = values[name] + " " + line.Trim();
                }
                continue;
            }
            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                name = null;
                continue;
            }
            name = line[..eq].Trim();
            values[name] = line[(eq + 1)..].Trim();
        }
        return values;
    }

    private static string? Default(string name, IReadOnlyDictionary<string, string> raw) => name switch
    {
        "mydestination" => "$myhostname, localhost.$mydomain, localhost",
        "virtual_alias_domains" => "$virtual_alias_maps",
        "mydomain" => raw.TryGetValue("myhostname", out var h) && h.IndexOf('.') is > 0 and var dot ? h[(dot + 1)..] : null,
        _ => null,
    };

    /// <summary>$name and ${name} replaced by their values; names without a value in main.cf or a default are dropped.</summary>
    public static string Expand(string value, IReadOnlyDictionary<string, string> raw, int depth)
    {
        if (depth > 10 || !value.Contains('$'))
        {
            return value;
        }
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '$' || i + 1 >= value.Length)
            {
                sb.Append(value[i]);
                continue;
            }
            string name;
            if (value[i + 1] == '{' || value[i + 1] == '(')
            {
                var close = value.IndexOf(value[i + 1] == '{' ? '}' : ')', i + 2);
                if (close < 0)
                {
                    sb.Append(value[i]);
                    continue;
                }
                name = value[(i + 2)..close];
                i = close;
            }
            else
            {
                var end = i + 1;
                while (end < value.Length && (char.IsAsciiLetterOrDigit(value[end]) || value[end] == '_'))
                {
                    end++;
                }
                name = value[(i + 1)..end];
                i = end - 1;
            }
            var resolved = raw.TryGetValue(name, out var v) ? v : Default(name, raw);
            // An unresolvable name (myhostname left to the system's) would become a bogus domain: it is left out.
            sb.Append(resolved is null ? "" : Expand(resolved, raw, depth + 1));
        }
        return sb.ToString();
    }
}
