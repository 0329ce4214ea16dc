using System.Buffers;

namespace SpamTrace.Reputation;

/// <summary>
/// Turns a receiver's answer (the dsn= code and the reply text Postfix logged, or a bounce's Diagnostic-Code)
/// into a reason class, the provider and its rule code, and the next step, using <see cref="ReplyRuleTable"/>.
/// </summary>
public static class ReplyClassifier
{
    private const int MaxCodes = 8;
    /// <summary>Long bounce bodies: the reason is near the start; scanning all of a quoted message only adds noise.</summary>
    private const int MaxScannedChars = 4096;

    public static ReplyVerdict Classify(string? dsn, string? reply) => Classify(ReplyRuleTable.Default, dsn, reply);

    public static ReplyVerdict Classify(ReplyRuleTable table, string? dsn, string? reply)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = (reply ?? "").AsSpan();
        if (text.Length > MaxScannedChars)
        {
            text = text[..MaxScannedChars];
        }
        Span<EnhancedStatusCode> codes = stackalloc EnhancedStatusCode[MaxCodes];
        var codeCount = 0;
        if (dsn is not null && EnhancedStatusCode.TryParse(dsn, out var fromDsn))
        {
            codes[codeCount++] = fromDsn;
        }
        codeCount += EnhancedStatusCode.FindAll(text, codes[codeCount..]);
        if (codeCount == 0 && text.IsEmpty)
        {
            return ReplyVerdict.Unclassified;
        }

        Span<bool> present = table.Tokens.Length <= 512 ? stackalloc bool[table.Tokens.Length] : new bool[table.Tokens.Length];
        FindTokens(table.TokenSearch, table.TokensByFirstChar, table.Tokens, text, present);

        for (var i = 0; i < table.Rules.Count; i++)
        {
            var rule = table.Rules[i];
            if (Holds(table.RuleTokens[i], table.RuleCodes[i], present, codes[..codeCount]))
            {
                var provider = rule.Provider ?? GuessProvider(table, present);
                return new ReplyVerdict(rule.Class, provider, rule.Rule, rule.Advice ?? table.ClassAdvice.GetValueOrDefault(rule.Class), rule.Link);
            }
        }
        return ReplyVerdict.Unclassified with { Provider = GuessProvider(table, present) };
    }

    /// <summary>The provider named by the receiving host in the reply, from providers.tsv.</summary>
    public static string? GuessProvider(string? reply)
    {
        var table = ReplyRuleTable.Default;
        Span<bool> present = table.Tokens.Length <= 512 ? stackalloc bool[table.Tokens.Length] : new bool[table.Tokens.Length];
        // Only the hints' tokens: the rules' ones would be marked and never read.
        FindTokens(table.ProviderTokenSearch, table.ProviderTokensByFirstChar, table.Tokens, reply, present);
        return GuessProvider(table, present);
    }

    private static string? GuessProvider(ReplyRuleTable table, ReadOnlySpan<bool> present)
    {
        // Provider hints were interned first, so their token index equals their position in the list.
        for (var i = 0; i < table.ProviderHints.Count; i++)
        {
            if (present[i])
            {
                return table.ProviderHints[i].Provider;
            }
        }
        return null;
    }

    private static bool Holds(int[] tokens, StatusCodeCondition[] conditions, ReadOnlySpan<bool> present, ReadOnlySpan<EnhancedStatusCode> codes)
    {
        foreach (var t in tokens)
        {
            if (!present[t])
            {
                return false;
            }
        }
        foreach (var cond in conditions)
        {
            var any = false;
            foreach (var code in codes)
            {
                any |= cond.Matches(code);
            }
            if (!any)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Marks every table token that occurs in the text: one vectorised search per occurrence, not per rule.</summary>
    private static void FindTokens(SearchValues<string> search, Dictionary<char, int[]> byFirstChar, string[] tokens, ReadOnlySpan<char> text, Span<bool> present)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var rest = text[offset..];
            var at = rest.IndexOfAny(search);
            if (at < 0)
            {
                return;
            }
            var here = rest[at..];
            if (byFirstChar.TryGetValue(char.ToLowerInvariant(here[0]), out var candidates))
            {
                foreach (var t in candidates)
                {
                    if (here.StartsWith(tokens[t], StringComparison.OrdinalIgnoreCase))
                    {
                        present[t] = true;
                    }
                }
            }
            offset += at + 1;
        }
    }
}
