using System.Buffers;
using SpamTrace.WebScan.Rules;

namespace SpamTrace.WebScan.Matching;

/// <summary>
/// Finds every token, call and regex gate of a rule set in one pass over the text with a vectorised multi-string
/// search (<see cref="SearchValues{T}"/>), then runs each gated regex (non-backtracking) only where its gate occurred.
/// </summary>
public sealed class TokenMatcher
{
    private readonly record struct Needle(string Text, int Rule, bool Call, bool Gate);

    private readonly IReadOnlyList<ScanRule> rules;
    private readonly SearchValues<string> searchValues;
    /// <summary>Needles by their first character, lowercased (ASCII).</summary>
    private readonly Dictionary<char, Needle[]> byFirst;

    /// <param name="ruleSet">The rules.</param>
    /// <param name="anywhere">Match only the rules of kind anywhere (run on the raw text, comments included); else all others.</param>
    public TokenMatcher(RuleSet ruleSet, bool anywhere = false)
    {
        rules = ruleSet.Rules;
        var needles = new List<Needle>();
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if ((rule.Kind == RuleKind.Anywhere) != anywhere)
            {
                continue;
            }
            foreach (var token in rule.Tokens)
            {
                switch (rule.Kind)
                {
                    case RuleKind.Token or RuleKind.Anywhere when token.EndsWith('(') && token.Length > 1 && IsIdentifier(token[0]):
                    case RuleKind.Call:
                        // A call: "name(" and "name (" cover nearly all real code; more blanks are checked on the hit.
                        var name = token[..^1];
                        needles.Add(new Needle(name + "(", i, true, false));
                        needles.Add(new Needle(name + " ", i, true, false));
                        needles.Add(new Needle(name + "\t", i, true, false));
                        break;
                    case RuleKind.Token or RuleKind.Anywhere:
                        needles.Add(new Needle(token, i, false, false));
                        break;
                    case RuleKind.Regex:
                        needles.Add(new Needle(token, i, false, true));
                        break;
                }
            }
        }
        if (needles.Count == 0)
        {
            needles.Add(new Needle("<?php", -1, false, true));
        }
        searchValues = SearchValues.Create(needles.Select(n => n.Text).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(), StringComparison.OrdinalIgnoreCase);
        byFirst = needles.GroupBy(n => char.ToLowerInvariant(n.Text[0])).ToDictionary(g => g.Key, g => g.ToArray());
    }

    public int RuleCount => rules.Count;

    /// <summary>Marks the token, call and regex rules that fire in <paramref name="text"/>.</summary>
    public void Match(string text, RuleHits hits)
    {
        var span = text.AsSpan();
        var gates = new bool[rules.Count];
        var position = 0;
        while (position < span.Length)
        {
            var found = span[position..].IndexOfAny(searchValues);
            if (found < 0)
            {
                break;
            }
            var at = position + found;
            if (byFirst.TryGetValue(char.ToLowerInvariant(span[at]), out var candidates))
            {
                foreach (var needle in candidates)
                {
                    if (!needle.Gate && hits.Fired(needle.Rule) && rules[needle.Rule].Kind is RuleKind.Token or RuleKind.Anywhere)
                    {
                        continue;
                    }
                    if (!span[at..].StartsWith(needle.Text, StringComparison.OrdinalIgnoreCase) || !StartsToken(span, at, needle.Text))
                    {
                        continue;
                    }
                    if (needle.Gate)
                    {
                        if (needle.Rule >= 0) { gates[needle.Rule] = true; }
                        continue;
                    }
                    if (!needle.Call)
                    {
                        if (EndsToken(span, at + needle.Text.Length, needle.Text))
                        {
                            hits.Mark(needle.Rule, at);
                        }
                        continue;
                    }
                    var open = OpeningParenthesis(span, at + needle.Text.Length - 1);
                    if (open < 0)
                    {
                        continue;
                    }
                    var rule = rules[needle.Rule];
                    if (rule.Kind is RuleKind.Token or RuleKind.Anywhere || ArgumentsContain(CallArguments.At(span, open), rule.Arguments))
                    {
                        hits.Mark(needle.Rule, at);
                    }
                }
            }
            position = at + 1;
        }
        for (var i = 0; i < rules.Count; i++)
        {
            if (gates[i] && !hits.Fired(i) && rules[i].Expression is { } expression)
            {
                try
                {
                    var match = expression.Match(text);
                    if (match.Success)
                    {
                        hits.Mark(i, match.Index);
                    }
                }
                catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
                {
                    // Linear-time engine: a timeout means a huge input; the rule simply does not fire.
                }
            }
        }
    }

    private static bool ArgumentsContain(ReadOnlySpan<char> arguments, IReadOnlyList<string> wanted)
    {
        foreach (var w in wanted)
        {
            if (arguments.Contains(w, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The '(' after a name and blanks (the needle ends at the first character after the name).</summary>
    private static int OpeningParenthesis(ReadOnlySpan<char> span, int from)
    {
        var limit = Math.Min(span.Length, from + 32);
        for (var i = from; i < limit; i++)
        {
            var c = span[i];
            if (c == '(') { return i; }
            if (c is not (' ' or '\t' or '\r' or '\n')) { return -1; }
        }
        return -1;
    }

    /// <summary>A name must not continue an identifier, a variable, a method (->name) or a static member (::name).</summary>
    private static bool StartsToken(ReadOnlySpan<char> span, int at, string needle)
    {
        if (!IsIdentifier(needle[0]) || at == 0)
        {
            return true;
        }
        var before = span[at - 1];
        if (IsIdentifier(before) || before == '$' || before == '\\' && at >= 2 && IsIdentifier(span[at - 2]))
        {
            return false;
        }
        return !(at >= 2 && (before == '>' && span[at - 2] == '-' || before == ':' && span[at - 2] == ':'));
    }

    private static bool EndsToken(ReadOnlySpan<char> span, int end, string needle) =>
        !IsIdentifier(needle[^1]) || end >= span.Length || !IsIdentifier(span[end]);

    private static bool IsIdentifier(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
