using System.Globalization;
using System.Text.Json;
using SpamTrace.Logs.Parsing;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Parsing;

/// <summary>
/// The parser against public real-world corpora (../shared/corpora/logs): expected fields where the corpus has
/// them (fail2ban, postfix-grok-patterns), and for every other file: no exception, every line either recognised or
/// counted unknown, with the counts printed.
/// </summary>
public class CorpusTests(ITestOutputHelper output)
{
    [SkippableFact]
    public void Fail2ban_lines_have_the_expected_time_and_client_address()
    {
        var logs = Corpora.RequireLogs();
        var lines = File.ReadAllLines(Path.Combine(logs, "fail2ban", "postfix"));
        int timeChecked = 0, timeAgree = 0, hostChecked = 0, hostAgree = 0;
        var problems = new List<string>();
        for (int i = 0; i < lines.Length - 1; i++)
        {
            if (!lines[i].StartsWith("# failJSON:", StringComparison.Ordinal) || lines[i + 1].StartsWith('#') || lines[i + 1].Length == 0)
            {
                continue;
            }
            using var json = JsonDocument.Parse(lines[i]["# failJSON:".Length..]);
            var root = json.RootElement;
            var p = ParsedLine.Of(lines[i + 1]);
            if (root.TryGetProperty("time", out var time))
            {
                timeChecked++;
                var expected = ParseFail2banTime(time.GetString()!);
                var ts = p.Event.Time;
                if (p.EnvelopeOk && ts.Month == expected.Month && ts.Day == expected.Day && ts.Ticks == expected.TimeOfDay.Ticks)
                {
                    timeAgree++;
                }
                else
                {
                    problems.Add($"time {time.GetString()}: {lines[i + 1]}");
                }
            }
            if (root.TryGetProperty("host", out var host) && root.TryGetProperty("match", out var match) && match.GetBoolean())
            {
                hostChecked++;
                if (p.ClientIp == host.GetString())
                {
                    hostAgree++;
                }
                else
                {
                    problems.Add($"host {host.GetString()} got {p.ClientIp} ({p.Kind}): {lines[i + 1]}");
                }
            }
        }
        output.WriteLine($"fail2ban: time {timeAgree}/{timeChecked}, client address {hostAgree}/{hostChecked}");
        foreach (var problem in problems)
        {
            output.WriteLine("  " + problem);
        }
        Assert.True(timeChecked > 50 && hostChecked > 40, "the corpus should hold the expected cases");
        Assert.Equal(timeChecked, timeAgree);
        Assert.True(hostAgree >= hostChecked * 0.99, $"client address agreement {hostAgree}/{hostChecked}");
    }

    [SkippableFact]
    public void Grok_pattern_cases_agree_on_the_fields_we_parse()
    {
        var logs = Corpora.RequireLogs();
        var agreement = new GrokAgreement();
        foreach (var jsonLine in File.ReadLines(Path.Combine(logs, "postfix-grok-patterns", "cases.jsonl")))
        {
            using var json = JsonDocument.Parse(jsonLine);
            agreement.Check(json.RootElement);
        }
        agreement.Report(output);
        Assert.True(agreement.Compared > 300, "the corpus should yield comparable fields");
        Assert.True(agreement.Agreed >= agreement.Compared * 0.99, $"agreement {agreement.Agreed}/{agreement.Compared}");
    }

    [SkippableFact]
    public void Every_other_corpus_line_is_recognised_or_counted_unknown()
    {
        var logs = Corpora.RequireLogs();
        var files = new (string Path, Func<string, string?> Wrap)[]
        {
            ("postfix-log-parser/test.log", Raw),
            ("postfix-log-parser/test-iso8601.log", Raw),
            ("Postfix-Maillog-Dump/maillog", Raw),
            ("Postfix-Maillog-Dump/mailog2", Raw),
            ("mailgraph/postfix-log.txt", Raw),
            ("sergeymakinen-postfix_exporter/mail.log", Raw),
            ("logwatch/postfix-logwatch-TD-lines.txt", LogwatchPostfix),
            ("logwatch/amavis-logwatch-TD-lines.txt", LogwatchAmavis),
        };
        int totalLines = 0;
        foreach (var (relative, wrap) in files)
        {
            var path = Path.Combine(logs, relative);
            var counts = new Dictionary<EventKind, int>();
            int noEnvelope = 0, lines = 0;
            var unknownSamples = new List<string>();
            foreach (var raw in File.ReadLines(path))
            {
                var line = wrap(raw);
                if (line is null)
                {
                    continue;
                }
                lines++;
                var p = ParsedLine.Of(line);
                Assert.True(p.RangesInside(), $"range outside the line: {line}");
                if (!p.EnvelopeOk)
                {
                    noEnvelope++;
                    Assert.Equal(EventKind.Unknown, p.Kind);
                    continue;
                }
                counts[p.Kind] = counts.GetValueOrDefault(p.Kind) + 1;
                if (p.Kind == EventKind.Unknown && Environment.GetEnvironmentVariable("SPAMTRACE_DUMP_UNKNOWN") is { } dump)
                {
                    File.AppendAllText(dump, line + "\n");
                }
                if (p.Kind == EventKind.Unknown && unknownSamples.Count < 8)
                {
                    unknownSamples.Add(line.Length > 160 ? line[..160] : line);
                }
            }
            totalLines += lines;
            int unknown = counts.GetValueOrDefault(EventKind.Unknown);
            int foreign = counts.GetValueOrDefault(EventKind.Foreign);
            int ignored = counts.GetValueOrDefault(EventKind.Ignored);
            int recognised = lines - noEnvelope - unknown - foreign - ignored;
            output.WriteLine($"{relative}: {lines} lines: {recognised} recognised, {ignored} ignored, {foreign} foreign, "
                + $"{unknown} unknown postfix/amavis/dovecot, {noEnvelope} without a syslog envelope");
            output.WriteLine("    " + string.Join(", ", counts.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
            foreach (var sample in unknownSamples)
            {
                output.WriteLine("    unknown: " + sample);
            }
            Assert.Equal(lines, recognised + ignored + foreign + unknown + noEnvelope);
        }
        Assert.True(totalLines > 20000, "the corpora should hold the expected files");
    }

    private static string? Raw(string line) => line.Length == 0 || line.StartsWith('#') ? null : line;

    /// <summary>
    /// logwatch's test lines are payloads tagged "#TD&lt;code&gt;": the letters name the daemon (s smtp, sd smtpd,
    /// c cleanup...), a trailing Q means the real line starts with a queue ID, N that it has none (NOQUEUE for smtpd).
    /// </summary>
    private static string? LogwatchPostfix(string line)
    {
        if (!line.StartsWith("#TD", StringComparison.Ordinal))
        {
            return null;
        }
        int space = line.IndexOf(' ');
        if (space < 0)
        {
            return null;
        }
        var code = line[3..space].TrimEnd(':');
        var payload = line[(space + 1)..];
        code = code.Split('(')[0].TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9');
        string prefix = "";
        if (code.EndsWith('Q') && code.Length > 0)
        {
            prefix = "4F1A2B3C4D: ";
            code = code[..^1];
        }
        else if (code.EndsWith('N') && code.Length > 1)
        {
            code = code[..^1];
            if (code == "sd" && !payload.StartsWith("proxy-", StringComparison.Ordinal))
            {
                prefix = "NOQUEUE: ";
            }
        }
        var tag = code switch
        {
            "b" => "postfix/bounce",
            "c" => "postfix/cleanup",
            "l" => "postfix/local",
            "m" => "postfix/master",
            "p" => "postfix/pickup",
            "pp" => "postfix/pipe",
            "ps" => "postfix/postsuper",
            "q" => "postfix/qmgr",
            "s" => "postfix/smtp",
            "sd" or "" when payload.Contains("connect from", StringComparison.Ordinal) => "postfix/smtpd",
            "sd" => "postfix/smtpd",
            "v" => "postfix/virtual",
            "pg" => "postgrey",
            "spf" => "policyd-spf",
            "pfw" => "postfix/policyd-weight",
            _ => "postfix/unknown-daemon",
        };
        return $"Jan  1 00:00:00 host {tag}[1]: {prefix}{payload}";
    }

    private static string? LogwatchAmavis(string line) =>
        line.StartsWith("#TD ", StringComparison.Ordinal) ? $"Jan  1 00:00:00 host amavis[1]: (01234-01) {line[4..]}" : null;

    private static DateTime ParseFail2banTime(string s)
    {
        // "2005-03-7T02:09:33": the corpus does not always zero-pad.
        var parts = s.Split('T');
        var date = parts[0].Split('-').Select(int.Parse).ToArray();
        var time = TimeSpan.Parse(parts[1], CultureInfo.InvariantCulture);
        return new DateTime(date[0], date[1], date[2]).Add(time);
    }
}
