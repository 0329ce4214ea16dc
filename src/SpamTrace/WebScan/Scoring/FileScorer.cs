using System.Globalization;
using System.Text;
using SpamTrace.WebScan.Decoding;
using SpamTrace.WebScan.Matching;
using SpamTrace.WebScan.Rules;

namespace SpamTrace.WebScan.Scoring;

/// <summary>
/// Scores one file's text: token/call/regex rules on the text and on each decoded layer, measures on the text,
/// placement facts from the walk, then the "all" rules over everything that fired. Each rule counts once.
/// </summary>
public sealed class FileScorer(RuleSet rules)
{
    private const int SnippetBefore = 30;
    private const int SnippetLength = 110;

    private readonly TokenMatcher matcher = new(rules);
    private readonly TokenMatcher anywhere = new(rules, anywhere: true);

    public RuleSet Rules { get; } = rules;

    public (int Score, List<ScoreReason> Reasons, int Layers) Score(string text, IReadOnlyCollection<string> placements, string path)
    {
        var list = Rules.Rules;
        var outer = new RuleHits(list.Count);
        var code = CommentBlanker.Blank(text, startInPhp: false);
        matcher.Match(code, outer);
        anywhere.Match(text, outer);
        var layers = LayerDecoder.Decode(text);
        var layerHits = new List<(DecodedLayer Layer, RuleHits Hits)>(layers.Count);
        var productive = 0;
        foreach (var layer in layers)
        {
            var hits = new RuleHits(list.Count);
            matcher.Match(CommentBlanker.Blank(layer.Text, startInPhp: !layer.Text.Contains("<?", StringComparison.Ordinal)), hits);
            anywhere.Match(layer.Text, hits);
            layerHits.Add((layer, hits));
            if (hits.Any) { productive++; }
        }
        var measures = TextMeasures.Of(text, code);
        var fired = new bool[list.Count];
        var reasons = new List<ScoreReason>();
        for (var i = 0; i < list.Count; i++)
        {
            var rule = list[i];
            string? snippet = null;
            string? layerName = null;
            switch (rule.Kind)
            {
                case RuleKind.Token or RuleKind.Anywhere or RuleKind.Call or RuleKind.Regex:
                    if (outer.Fired(i))
                    {
                        snippet = Snippet(text, outer.Offset(i));
                    }
                    else if (layerHits.FirstOrDefault(l => l.Hits.Fired(i)) is { Layer: not null } inner)
                    {
                        snippet = Snippet(inner.Layer.Text, inner.Hits.Offset(i));
                        layerName = inner.Layer.How;
                    }
                    break;
                case RuleKind.Measure:
                    var value = measures.Value(rule.Name!, productive);
                    if (value >= rule.Threshold)
                    {
                        snippet = $"{rule.Name} = {value.ToString(value >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture)}"
                            + (rule.Name == "decoded_layers" ? $" ({string.Join("; ", layerHits.Where(l => l.Hits.Any).Select(l => l.Layer.How).Distinct().Take(3))})" : "");
                    }
                    break;
                case RuleKind.Placement:
                    if (placements.Contains(rule.Name!))
                    {
                        snippet = path;
                    }
                    break;
                case RuleKind.All:
                    if (rule.Terms.All(term => term.Any(id => Fired(id))))
                    {
                        snippet = string.Join(" & ", rule.Terms.Select(term => term.First(id => Fired(id))));
                    }
                    break;
            }
            if (snippet is null)
            {
                continue;
            }
            fired[i] = true;
            if (rule.Points > 0)
            {
                reasons.Add(new ScoreReason(rule.Id, rule.Points, rule.Description, snippet, layerName));
            }
        }
        reasons.Sort((a, b) => b.Points.CompareTo(a.Points));
        return (reasons.Sum(r => r.Points), reasons, layers.Count);

        bool Fired(string id)
        {
            for (var j = 0; j < list.Count; j++)
            {
                if (list[j].Id == id) { return fired[j]; }
            }
            return false;
        }
    }

    /// <summary>The text around a match, on one line (blanks collapsed), raw: renderers escape it.</summary>
    internal static string Snippet(string text, int offset)
    {
        var start = Math.Max(0, offset - SnippetBefore);
        var end = Math.Min(text.Length, start + SnippetLength);
        var builder = new StringBuilder(end - start);
        var blank = false;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (!blank) { builder.Append(' '); }
                blank = true;
                continue;
            }
            blank = false;
            builder.Append(c);
        }
        var latin1 = Encoding.Latin1.GetBytes(builder.ToString().Trim());
        return Encoding.UTF8.GetString(latin1);
    }
}
