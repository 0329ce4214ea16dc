using System.Buffers;

namespace SpamTrace.Reputation;

/// <summary>
/// The reply table (Data/reply-rules.tsv), the class defaults (Data/classes.tsv) and the provider hints
/// (Data/providers.tsv), loaded from embedded resources. Extending it means adding a line, not code.
/// </summary>
public sealed class ReplyRuleTable
{
    private static readonly Lazy<ReplyRuleTable> Embedded = new(() => Load(
        ReadResource("reply-rules.tsv"), ReadResource("classes.tsv"), ReadResource("providers.tsv")));

    public static ReplyRuleTable Default => Embedded.Value;

    public IReadOnlyList<ReplyRule> Rules { get; }
    public IReadOnlyDictionary<ReplyClass, string> ClassAdvice { get; }
    public IReadOnlyList<(string Provider, string Text)> ProviderHints { get; }

    /// <summary>Every distinct text condition, lower-cased; rule texts index into it.</summary>
    internal string[] Tokens { get; }
    /// <summary>For each rule, the indexes of its text conditions in <see cref="Tokens"/>.</summary>
    internal int[][] RuleTokens { get; }
    /// <summary>Finds any token in one vectorised pass.</summary>
    internal SearchValues<string> TokenSearch { get; }
    /// <summary>Tokens grouped by their first character (lower-case), to tell which ones matched at a position.</summary>
    internal Dictionary<char, int[]> TokensByFirstChar { get; }
    /// <summary>For each rule, its code conditions as an array: indexed, not enumerated through an interface.</summary>
    internal StatusCodeCondition[][] RuleCodes { get; }
    /// <summary>
    /// The provider hints' tokens alone (the first <see cref="ProviderHints"/>.Count tokens): guessing a provider from a
    /// relay host name need not look for the rules' words, and relays are mostly new (a spam run's random MX hosts).
    /// </summary>
    internal SearchValues<string> ProviderTokenSearch { get; }
    internal Dictionary<char, int[]> ProviderTokensByFirstChar { get; }

    private ReplyRuleTable(List<ReplyRule> rules, Dictionary<ReplyClass, string> advice, List<(string, string)> providers)
    {
        Rules = rules;
        ClassAdvice = advice;
        ProviderHints = providers;
        var tokens = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, text) in providers)
        {
            Intern(text);
        }
        RuleTokens = rules.Select(r => r.Texts.Select(Intern).ToArray()).ToArray();
        Tokens = [.. tokens];
        TokenSearch = SearchValues.Create(Tokens, StringComparison.OrdinalIgnoreCase);
        TokensByFirstChar = ByFirstChar(Tokens.Length);
        RuleCodes = rules.Select(r => r.Codes.ToArray()).ToArray();
        var hintTokens = Math.Min(providers.Count, Tokens.Length);
        ProviderTokenSearch = SearchValues.Create(Tokens.AsSpan(0, hintTokens), StringComparison.OrdinalIgnoreCase);
        ProviderTokensByFirstChar = ByFirstChar(hintTokens);
        Dictionary<char, int[]> ByFirstChar(int count) => Enumerable.Range(0, count)
            .GroupBy(i => Tokens[i][0])
            .ToDictionary(g => g.Key, g => g.ToArray());
        int Intern(string text)
        {
            if (!index.TryGetValue(text, out var i))
            {
                i = tokens.Count;
                tokens.Add(text);
                index[text] = i;
            }
            return i;
        }
    }

    public static ReplyRuleTable Load(string rulesTsv, string classesTsv, string providersTsv)
    {
        var rules = new List<ReplyRule>();
        foreach (var (line, cols) in Rows(rulesTsv, "reply-rules.tsv", 6))
        {
            var cls = ParseClass(cols[0], "reply-rules.tsv", line);
            var texts = new List<string>();
            var codes = new List<StatusCodeCondition>();
            foreach (var raw in cols[3].Split(" & "))
            {
                var cond = raw.Trim();
                if (cond.Length == 0)
                {
                    throw new FormatException($"reply-rules.tsv:{line}: empty condition");
                }
                if (cond.StartsWith("dsn:", StringComparison.Ordinal))
                {
                    try
                    {
                        codes.Add(StatusCodeCondition.Parse(cond[4..]));
                    }
                    catch (FormatException e)
                    {
                        throw new FormatException($"reply-rules.tsv:{line}: {e.Message}");
                    }
                }
                else
                {
                    texts.Add(cond.ToLowerInvariant());
                }
            }
            rules.Add(new ReplyRule(cls, Dash(cols[1]), Dash(cols[2]), texts, codes, Dash(cols[4]), Dash(cols[5]), line));
        }
        var advice = new Dictionary<ReplyClass, string>();
        foreach (var (line, cols) in Rows(classesTsv, "classes.tsv", 2))
        {
            advice[ParseClass(cols[0], "classes.tsv", line)] = cols[1];
        }
        var providers = new List<(string, string)>();
        foreach (var (_, cols) in Rows(providersTsv, "providers.tsv", 2))
        {
            providers.Add((cols[0], cols[1].ToLowerInvariant()));
        }
        return new ReplyRuleTable(rules, advice, providers);
    }

    private static string? Dash(string s) => s is "-" or "" ? null : s;

    private static ReplyClass ParseClass(string text, string file, int line) =>
        Enum.TryParse<ReplyClass>(text, ignoreCase: true, out var c) && Enum.IsDefined(c)
            ? c
            : throw new FormatException($"{file}:{line}: unknown class '{text}'");

    private static IEnumerable<(int Line, string[] Cols)> Rows(string tsv, string file, int columns)
    {
        var n = 0;
        foreach (var raw in tsv.Split('\n'))
        {
            n++;
            var text = raw.TrimEnd('\r');
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }
            var cols = text.Split('\t');
            if (cols.Length != columns)
            {
                throw new FormatException($"{file}:{n}: expected {columns} tab-separated columns, found {cols.Length}");
            }
            yield return (n, cols);
        }
    }

    private static string ReadResource(string name)
    {
        var asm = typeof(ReplyRuleTable).Assembly;
        var full = asm.GetManifestResourceNames().Single(r => r.EndsWith("Reputation.Data." + name, StringComparison.Ordinal));
        using var stream = asm.GetManifestResourceStream(full)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
