using MimeKit;
using SpamTrace.Reputation;
using SpamTrace.Tests.Support;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Reputation;

/// <summary>
/// The classifier against sisimai's expectations on the real bounces of ../shared/corpora/bounces:
/// the diagnostic text comes out of each .eml through MimeKit (Diagnostic-Code per recipient when there is
/// a message/delivery-status part, else the first text part), and agreement is reported per class.
/// </summary>
public class BounceCorpusTests(ITestOutputHelper output)
{
    /// <summary>sisimai reasons with no counterpart in a log reply (auto-replies, ARF reports, delivered notices).</summary>
    private static readonly HashSet<string> NotAReplyReason = ["feedback", "vacation", "onhold", "delivered", "undefined", "reason", "hasmoved"];

    /// <summary>The classes diagnose relies on to say who blocks us and why.</summary>
    private static readonly ReplyClass[] ReputationClasses =
        [ReplyClass.Blocked, ReplyClass.BadReputation, ReplyClass.SpamDetected, ReplyClass.RequirePtr, ReplyClass.AuthFailure];

    [SkippableFact]
    public void Agreement_with_sisimai_per_class()
    {
        var corpus = SharedCorpora.Find("bounces");
        Skip.If(corpus is null, "../shared/corpora/bounces not found next to the repository: bounce classification not measured");
        var expected = Path.Combine(corpus, "expected-go-sisimai.tsv");
        var perClass = new SortedDictionary<string, (int Total, int Agree)>();
        var confusion = new Dictionary<(string, ReplyClass), int>();
        var cache = new Dictionary<string, List<(string? Status, string Text)>>();
        foreach (var line in File.ReadLines(expected))
        {
            var cols = line.Split('\t');
            if (line.StartsWith('#') || cols[0] == "file" || cols.Length < 5)
            {
                continue;
            }
            var reason = cols[4];
            if (NotAReplyReason.Contains(reason))
            {
                continue;
            }
            var eml = Path.Combine(corpus, cols[0]);
            if (!File.Exists(eml))
            {
                continue;
            }
            if (!cache.TryGetValue(eml, out var diagnostics))
            {
                cache[eml] = diagnostics = Diagnostics(eml);
            }
            var index = int.TryParse(cols[1], out var n) ? n - 1 : 0;
            var (status, text) = diagnostics.Count == 0 ? (null, "") : diagnostics[Math.Clamp(index, 0, diagnostics.Count - 1)];
            // sisimai's pseudo-codes (5.0.9xx) are its own verdicts, not the receiver's: only real codes are given.
            var dsn = status ?? (cols[2].Contains(".0.9", StringComparison.Ordinal) ? null : cols[2]);
            var got = ReplyClassifier.Classify(dsn, text).Class;
            var ok = string.Equals(got.ToString(), reason, StringComparison.OrdinalIgnoreCase);
            var (t, a) = perClass.GetValueOrDefault(reason);
            perClass[reason] = (t + 1, a + (ok ? 1 : 0));
            if (!ok && Environment.GetEnvironmentVariable("SPAMTRACE_DUMP") is { } dump)
            {
                File.AppendAllText(dump, $"{reason}\t{got}\t{cols[0]}\t{dsn}\t{text.ReplaceLineEndings(" ")[..Math.Min(300, text.Length)]}\n");
            }
            if (!ok)
            {
                confusion[(reason, got)] = confusion.GetValueOrDefault((reason, got)) + 1;
            }
        }

        var total = perClass.Values.Sum(v => v.Total);
        var agree = perClass.Values.Sum(v => v.Agree);
        output.WriteLine($"bounce corpus: {agree}/{total} agree with sisimai ({100.0 * agree / total:F1}%)");
        foreach (var (reason, (t, a)) in perClass.OrderByDescending(p => p.Value.Total))
        {
            output.WriteLine($"  {reason,-16} {a,4}/{t,-4} {100.0 * a / t,5:F1}%");
        }
        output.WriteLine("most frequent disagreements (sisimai -> ours):");
        foreach (var ((reason, got), count) in confusion.OrderByDescending(p => p.Value).Take(15))
        {
            output.WriteLine($"  {reason} -> {got}: {count}");
        }

        Assert.True(total > 400, $"only {total} expected rows read: corpus layout changed?");
        Assert.True(agree >= total * 0.50, $"agreement fell to {agree}/{total}");
        var reputation = perClass.Where(p => ReputationClasses.Any(c => c.ToString().Equals(p.Key, StringComparison.OrdinalIgnoreCase))).ToList();
        var repTotal = reputation.Sum(p => p.Value.Total);
        var repAgree = reputation.Sum(p => p.Value.Agree);
        output.WriteLine($"reputation classes (blocked, badreputation, spamdetected, requireptr, authfailure): {repAgree}/{repTotal}");
        Assert.True(repAgree >= repTotal * 0.5, $"reputation agreement fell to {repAgree}/{repTotal}");
    }

    [SkippableFact]
    public void The_verdict_cache_answers_like_the_classifier_on_every_corpus_bounce()
    {
        var corpus = SharedCorpora.Find("bounces");
        Skip.If(corpus is null, "../shared/corpora/bounces not found next to the repository: the verdict cache not checked on real bounces");
        var cache = new ReplyVerdictCache();
        var texts = Directory.EnumerateFiles(corpus, "*.eml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).SelectMany(Diagnostics).ToList();
        // Twice: the second pass answers from the cache, and must answer the same.
        foreach (var (status, text) in texts.Concat(texts))
        {
            Assert.Equal(ReplyClassifier.Classify(status, text), cache.Classify(status, text));
        }
        output.WriteLine($"{texts.Count} diagnostic texts, {cache.Count} cache entries");
        Assert.True(texts.Count > 400, $"only {texts.Count} texts read: corpus layout changed?");
    }

    /// <summary>Per recipient: the Status and Diagnostic-Code of a delivery-status part, else the message's first text.</summary>
    private static List<(string? Status, string Text)> Diagnostics(string path)
    {
        MimeMessage message;
        try
        {
            message = MimeMessage.Load(path);
        }
        catch (FormatException)
        {
            return [];
        }
        var result = new List<(string?, string)>();
        foreach (var part in message.BodyParts)
        {
            if (part is MessageDeliveryStatus mds)
            {
                foreach (var group in mds.StatusGroups.Skip(1))
                {
                    // The receiver's own words when the DSN carries them; the human-readable part otherwise.
                    var diag = group["Diagnostic-Code"];
                    result.Add((group["Status"]?.Trim(), string.IsNullOrWhiteSpace(diag) ? TextOf(message) : diag));
                }
            }
        }
        if (result.Count == 0)
        {
            result.Add((null, TextOf(message)));
        }
        return result;
    }

    private static string TextOf(MimeMessage message)
    {
        var text = message.TextBody ?? message.BodyParts.OfType<TextPart>().FirstOrDefault()?.Text ?? "";
        return message.Subject + "\n" + text;
    }
}
