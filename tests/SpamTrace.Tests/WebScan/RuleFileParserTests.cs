using SpamTrace.WebScan.Rules;

namespace SpamTrace.Tests.WebScan;

public sealed class RuleFileParserTests
{
    [Fact]
    public void The_embedded_rule_file_loads_with_every_family()
    {
        var rules = RuleSet.Default.Rules;
        Assert.True(rules.Count > 40);
        foreach (var kind in Enum.GetValues<RuleKind>())
        {
            Assert.Contains(rules, r => r.Kind == kind);
        }
        Assert.All(rules.Where(r => r.Kind == RuleKind.Regex), r => Assert.True((r.Expression!.Options & System.Text.RegularExpressions.RegexOptions.NonBacktracking) != 0));
    }

    [Theory]
    [InlineData("a\t1\ttoken\tx", "expected 5 tab-separated fields")]
    [InlineData("a\tmany\ttoken\tx\td", "points 'many'")]
    [InlineData("a\t1\tfuzzy\tx\td", "unknown kind 'fuzzy'")]
    [InlineData("a\t1\tall\tb & c\td", "'b' is not a rule defined above")]
    [InlineData("a\t1\tregex\tx => (a\td", "bad regex")]
    [InlineData("a\t1\tregex\tx => (a)\\1\td", "non-backtracking")]
    [InlineData("a\t1\tmeasure\tsize >= 3\td", "expected 'NAME >= NUMBER'")]
    [InlineData("a\t1\tplacement\tbasement\td", "unknown placement")]
    [InlineData("a\t1\tcall\teval(x) => y\td", "PHP function names")]
    public void Bad_lines_name_the_file_and_line(string line, string message)
    {
        var ex = Assert.Throws<RuleFileException>(() => RuleFileParser.Parse("# comment\n\n" + line + "\n", "my.tsv"));
        Assert.StartsWith("my.tsv:3: ", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Duplicate_ids_are_refused()
    {
        var ex = Assert.Throws<RuleFileException>(() => RuleFileParser.Parse("a\t1\ttoken\tx\td\na\t2\ttoken\ty\td\n", "r.tsv"));
        Assert.Equal("r.tsv:2: rule id 'a' is defined twice", ex.Message);
    }

    [Fact]
    public void A_custom_rule_file_extends_scoring_without_code()
    {
        var rules = new RuleSet(RuleFileParser.Parse("kit\t12\ttoken\tNightMailer v3 | nm3_send(\tthe NightMailer kit\n", "custom.tsv"));
        var scorer = new SpamTrace.WebScan.Scoring.FileScorer(rules);
        Assert.Equal(12, scorer.Score("<?php nm3_send ($x);", [], "x.php").Score);
        Assert.Equal(0, scorer.Score("<?php my_nm3_send($x);", [], "x.php").Score);
    }
}
