namespace SpamTrace.Bounces.Parsing;

/// <summary>
/// The reason phrases of Data/reason-phrases.tsv: which reason a lower-cased diagnostic text names.
/// A phrase is one or more fragments that must occur in order; "not" phrases veto their reason.
/// </summary>
public sealed class ReasonPhrases
{
    private static readonly Lazy<ReasonPhrases> Embedded = new(() => Parse(ReadResource("reason-phrases.tsv"), "reason-phrases.tsv"));

    public static ReasonPhrases Default => Embedded.Value;

    private readonly Dictionary<string, string[][]> _match;
    private readonly Dictionary<string, string[][]> _not;

    private ReasonPhrases(Dictionary<string, string[][]> match, Dictionary<string, string[][]> not)
    {
        _match = match;
        _not = not;
    }

    public IEnumerable<string> Reasons => _match.Keys;

    /// <summary>Whether <paramref name="lowerText"/> (already lower-cased) names <paramref name="reason"/>.</summary>
    public bool Matches(string reason, string lowerText)
    {
        if (lowerText.Length == 0 || !_match.TryGetValue(reason, out var phrases))
        {
            return false;
        }
        if (_not.TryGetValue(reason, out var vetoes) && vetoes.Any(v => Occurs(lowerText, v)))
        {
            return false;
        }
        foreach (var phrase in phrases)
        {
            if (Occurs(lowerText, phrase))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Occurs(string text, string[] fragments)
    {
        var at = 0;
        foreach (var f in fragments)
        {
            var found = text.IndexOf(f, at, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }
            at = found + f.Length;
        }
        return true;
    }

    public static ReasonPhrases Parse(string tsv, string fileName)
    {
        var match = new Dictionary<string, List<string[]>>(StringComparer.Ordinal);
        var not = new Dictionary<string, List<string[]>>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var raw in tsv.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var cols = line.Split('\t');
            if (cols.Length < 3 || cols.Skip(2).Any(f => f.Length == 0) || cols[1] is not ("match" or "not"))
            {
                throw new FormatException($"{fileName}:{lineNo}: expected reason, match|not, fragments");
            }
            var target = cols[1] == "match" ? match : not;
            var reason = cols[0].Trim().ToLowerInvariant();
            if (!target.TryGetValue(reason, out var list))
            {
                target[reason] = list = [];
            }
            list.Add(cols.Skip(2).Select(f => f.ToLowerInvariant()).ToArray());
        }
        return new ReasonPhrases(match.ToDictionary(p => p.Key, p => p.Value.ToArray()), not.ToDictionary(p => p.Key, p => p.Value.ToArray()));
    }

    private static string ReadResource(string name)
    {
        var asm = typeof(ReasonPhrases).Assembly;
        var full = asm.GetManifestResourceNames().Single(r => r.EndsWith("Bounces.Data." + name, StringComparison.Ordinal));
        using var stream = asm.GetManifestResourceStream(full)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
