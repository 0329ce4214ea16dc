using System.Globalization;
using System.Text.RegularExpressions;

namespace SpamTrace.WebScan.Rules;

/// <summary>Parses the tab-separated rule file (id, points, kind, pattern, description); errors name file and line.</summary>
public static class RuleFileParser
{
    public static readonly string[] Measures = ["escape_share", "longest_line", "entropy", "decoded_layers", "string_operators"];

    public static readonly string[] Placements =
    [
        "uploads_dir", "cache_dir", "image_dir", "hidden_path", "php_in_other_extension",
        "phpmailer_outside_vendor", "mtime_unlike_siblings", "owner_unlike_siblings",
    ];

    /// <summary>Regexes run on attacker-controlled text: linear-time engine, and a timeout all the same.</summary>
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(2);

    public static List<ScanRule> Parse(string text, string source)
    {
        var rules = new List<ScanRule>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }
            var origin = $"{source}:{number}";
            var fields = line.Split('\t');
            if (fields.Length != 5)
            {
                throw new RuleFileException($"{origin}: expected 5 tab-separated fields (id, points, kind, pattern, description), found {fields.Length}");
            }
            var id = fields[0].Trim();
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                throw new RuleFileException($"{origin}: rule id '{id}' must be letters, digits, '-' or '_'");
            }
            if (!ids.Add(id))
            {
                throw new RuleFileException($"{origin}: rule id '{id}' is defined twice");
            }
            if (!int.TryParse(fields[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var points) || points is < 0 or > 100)
            {
                throw new RuleFileException($"{origin}: points '{fields[1]}' must be a whole number from 0 to 100");
            }
            var pattern = fields[3];
            if (pattern.Trim().Length == 0)
            {
                throw new RuleFileException($"{origin}: empty pattern");
            }
            var description = fields[4].Trim();
            rules.Add(fields[2].Trim() switch
            {
                "token" => Rule(id, points, RuleKind.Token, pattern, description, origin),
                "anywhere" => Rule(id, points, RuleKind.Anywhere, pattern, description, origin),
                "call" => CallRule(id, points, pattern, description, origin),
                "regex" => RegexRule(id, points, pattern, description, origin),
                "all" => AllRule(id, points, pattern, description, origin, ids),
                "measure" => MeasureRule(id, points, pattern, description, origin),
                "placement" => PlacementRule(id, points, pattern, description, origin),
                var kind => throw new RuleFileException($"{origin}: unknown kind '{kind}' (token, anywhere, call, regex, all, measure, placement)"),
            });
        }
        if (rules.Count == 0)
        {
            throw new RuleFileException($"{source}: no rules");
        }
        return rules;
    }

    private static ScanRule Rule(string id, int points, RuleKind kind, string pattern, string description, string origin) => new()
    {
        Id = id,
        Points = points,
        Kind = kind,
        Pattern = pattern,
        Description = description,
        Origin = origin,
        Tokens = Tokens(pattern, " | ", origin),
    };

    private static List<string> Tokens(string list, string separator, string origin)
    {
        var tokens = list.Split(separator).Select(t => t.TrimStart()).Where(t => t.Length > 0).ToList();
        if (tokens.Count == 0 || tokens.Any(t => t.Trim().Length == 0))
        {
            throw new RuleFileException($"{origin}: empty token in '{list}'");
        }
        return tokens;
    }

    private static (string Left, string Right) Split(string pattern, string origin)
    {
        var at = pattern.IndexOf(" => ", StringComparison.Ordinal);
        if (at <= 0 || at + 4 >= pattern.Length)
        {
            throw new RuleFileException($"{origin}: expected 'LEFT => RIGHT' in '{pattern}'");
        }
        return (pattern[..at].Trim(), pattern[(at + 4)..]);
    }

    private static ScanRule CallRule(string id, int points, string pattern, string description, string origin)
    {
        var (left, right) = Split(pattern, origin);
        var functions = Tokens(left, "|", origin).Select(f => f.Trim()).ToList();
        if (functions.Any(f => !f.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
        {
            throw new RuleFileException($"{origin}: call names must be PHP function names: '{left}'");
        }
        return new ScanRule
        {
            Id = id,
            Points = points,
            Kind = RuleKind.Call,
            Pattern = pattern,
            Description = description,
            Origin = origin,
            Tokens = functions.Select(f => f + "(").ToList(),
            Arguments = Tokens(right.Trim(), "|", origin).Select(a => a.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\r", "\r", StringComparison.Ordinal)).ToList(),
        };
    }

    private static ScanRule RegexRule(string id, int points, string pattern, string description, string origin)
    {
        var (left, right) = Split(pattern, origin);
        Regex expression;
        try
        {
            expression = new Regex(right, RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, RegexTimeout);
        }
        catch (ArgumentException ex)
        {
            throw new RuleFileException($"{origin}: bad regex: {ex.Message}");
        }
        catch (NotSupportedException ex)
        {
            throw new RuleFileException($"{origin}: regex not supported by the non-backtracking engine: {ex.Message}");
        }
        return new ScanRule
        {
            Id = id,
            Points = points,
            Kind = RuleKind.Regex,
            Pattern = pattern,
            Description = description,
            Origin = origin,
            Tokens = Tokens(left, "|", origin).Select(t => t.Trim()).ToList(),
            Expression = expression,
        };
    }

    private static ScanRule AllRule(string id, int points, string pattern, string description, string origin, HashSet<string> known)
    {
        var terms = pattern.Split('&').Select(t => (IReadOnlyList<string>)t.Split('|').Select(x => x.Trim()).ToList()).ToList();
        foreach (var name in terms.SelectMany(t => t))
        {
            if (name.Length == 0 || name == id || !known.Contains(name))
            {
                throw new RuleFileException($"{origin}: '{name}' is not a rule defined above this line");
            }
        }
        return new ScanRule { Id = id, Points = points, Kind = RuleKind.All, Pattern = pattern, Description = description, Origin = origin, Terms = terms };
    }

    private static ScanRule MeasureRule(string id, int points, string pattern, string description, string origin)
    {
        var parts = pattern.Split(">=", StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !Measures.Contains(parts[0])
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold))
        {
            throw new RuleFileException($"{origin}: expected 'NAME >= NUMBER' with NAME one of {string.Join(", ", Measures)}: '{pattern}'");
        }
        return new ScanRule { Id = id, Points = points, Kind = RuleKind.Measure, Pattern = pattern, Description = description, Origin = origin, Name = parts[0], Threshold = threshold };
    }

    private static ScanRule PlacementRule(string id, int points, string pattern, string description, string origin)
    {
        var name = pattern.Trim();
        if (!Placements.Contains(name))
        {
            throw new RuleFileException($"{origin}: unknown placement '{name}' ({string.Join(", ", Placements)})");
        }
        return new ScanRule { Id = id, Points = points, Kind = RuleKind.Placement, Pattern = pattern, Description = description, Origin = origin, Name = name };
    }
}
