using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SpamTrace.Tests.Forensics;

/// <summary>`spamtrace diagnose` as the admin runs it: a separate process, real Postfix log lines, exit codes, JSON, HTML.</summary>
public sealed class DiagnoseCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("spamtrace-diagnose-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static (int ExitCode, string Stdout, string Stderr) Diagnose(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
        var psi = new ProcessStartInfo("dotnet", ["exec", cli, "diagnose", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["COLUMNS"] = "200";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "diagnose did not finish");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Postfix lines of one authenticated message, as Postfix 3.7 logs them.</summary>
    private static void Message(StringBuilder sb, DateTime t, string id, string user, string ip, string sender, string[] to, string status, string reply)
    {
        var ts = t.ToString("MMM d HH:mm:ss", CultureInfo.InvariantCulture).PadLeft(15);
        if (t.Day < 10)
        {
            ts = t.ToString("MMM  d HH:mm:ss", CultureInfo.InvariantCulture);
        }
        sb.Append(CultureInfo.InvariantCulture, $"{ts} mx postfix/submission/smtpd[100]: connect from unknown[{ip}]\n");
        sb.Append(CultureInfo.InvariantCulture, $"{ts} mx postfix/submission/smtpd[100]: {id}: client=unknown[{ip}], sasl_method=PLAIN, sasl_username={user}\n");
        sb.Append(CultureInfo.InvariantCulture, $"{ts} mx postfix/cleanup[101]: {id}: message-id=<{id}@example.org>\n");
        sb.Append(CultureInfo.InvariantCulture, $"{ts} mx postfix/qmgr[102]: {id}: from=<{sender}>, size=1200, nrcpt={to.Length} (queue active)\n");
        foreach (var r in to)
        {
            var dsn = status == "sent" ? "2.0.0" : "4.7.1";
            sb.Append(CultureInfo.InvariantCulture, $"{ts} mx postfix/smtp[103]: {id}: to=<{r}>, relay=mta5.am0.yahoodns.net[98.136.96.76]:25, delay=1.2, delays=0.1/0/0.5/0.6, dsn={dsn}, status={status} ({reply})\n");
        }
        if (status == "sent")
        {
            sb.Append(CultureInfo.InvariantCulture, $"{ts} mx postfix/qmgr[102]: {id}: removed\n");
        }
        sb.Append(CultureInfo.InvariantCulture, $"{ts} mx postfix/submission/smtpd[100]: disconnect from unknown[{ip}] ehlo=2 starttls=1 auth=1 mail=1 rcpt={to.Length} data=1 quit=1 commands=8\n");
    }

    private string WriteLog(bool withSpam)
    {
        var sb = new StringBuilder();
        var start = new DateTime(2026, 3, 2, 19, 0, 0);
        var n = 0x10000;
        for (var i = 0; i < 5; i++)
        {
            Message(sb, start.AddMinutes(i * 7), (n++).ToString("X", CultureInfo.InvariantCulture), "carol@example.org", "198.51.100.7", "carol@example.org", [$"friend{i}@partner.example"], "sent", "250 2.0.0 Ok: queued as 1234");
        }
        if (withSpam)
        {
            for (var i = 0; i < 12; i++)
            {
                var ts = start.AddMinutes(58).AddSeconds(i).ToString("MMM  d HH:mm:ss", CultureInfo.InvariantCulture);
                sb.Append(CultureInfo.InvariantCulture, $"{ts} mx postfix/submission/smtpd[100]: warning: unknown[192.0.2.{i % 8 + 1}]: SASL LOGIN authentication failed: UGFzc3dvcmQ6\n");
            }
            for (var i = 0; i < 40; i++)
            {
                var to = Enumerable.Range(0, 4).Select(k => $"v{i}x{k}@yahoo.com").ToArray();
                var deferred = i % 2 == 0;
                Message(sb, start.AddHours(1).AddSeconds(i * 20), (n++).ToString("X", CultureInfo.InvariantCulture), "bob@example.org", $"192.0.2.{i % 8 + 1}", $"promo{i % 5}@shop.example", to,
                    deferred ? "deferred" : "sent",
                    deferred ? "host mta5.am0.yahoodns.net[98.136.96.76] said: 421 4.7.1 [TS03] All messages from [203.0.113.1] will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes (in reply to MAIL FROM command)" : "250 ok dirdel");
            }
        }
        var path = Path.Combine(_dir.FullName, withSpam ? "spam.log" : "clean.log");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public void A_stolen_account_gives_exit_1_and_json_that_names_it_with_actions()
    {
        var log = WriteLog(withSpam: true);
        var (code, stdout, stderr) = Diagnose(log, "--json");
        Assert.True(code == 1, $"exit {code}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("spamtrace.diagnose/1", root.GetProperty("schema").GetString());
        Assert.True(root.GetProperty("spam_found").GetBoolean());
        var culprit = Assert.Single(root.GetProperty("culprits").EnumerateArray());
        Assert.Equal("sasl", culprit.GetProperty("kind").GetString());
        Assert.Equal("bob@example.org", culprit.GetProperty("key").GetString());
        Assert.True(culprit.GetProperty("score").GetInt32() >= 40);
        var codes = culprit.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList();
        Assert.Contains("many-client-ips", codes);
        Assert.Contains("brute-force", codes);
        Assert.Contains(culprit.GetProperty("actions").EnumerateArray(), a => a.GetProperty("command").GetString()?.Contains("check_sasl_access", StringComparison.Ordinal) == true
            || a.GetProperty("command").GetString()?.Contains("sasl_access", StringComparison.Ordinal) == true);
        var provider = Assert.Single(root.GetProperty("providers").EnumerateArray());
        Assert.Equal("Yahoo", provider.GetProperty("provider").GetString());
        Assert.DoesNotContain(root.GetProperty("culprits").EnumerateArray(), c => c.GetProperty("key").GetString() == "carol@example.org");
    }

    [Fact]
    public void A_clean_log_gives_exit_0_and_says_so()
    {
        var log = WriteLog(withSpam: false);
        var (code, stdout, stderr) = Diagnose(log);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        Assert.Contains("No outbound spam found", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_terminal_report_puts_the_verdict_first_and_writes_the_html_file()
    {
        var log = WriteLog(withSpam: true);
        var html = Path.Combine(_dir.FullName, "report.html");
        var (code, stdout, _) = Diagnose(log, "--html", html);
        Assert.Equal(1, code);
        var verdict = stdout.IndexOf("OUTBOUND SPAM", StringComparison.Ordinal);
        Assert.True(verdict >= 0 && verdict < stdout.IndexOf("evidence", StringComparison.Ordinal), stdout);
        Assert.Contains("sasl:bob@example.org", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(html));
        Assert.Contains("sasl:bob@example.org", File.ReadAllText(html), StringComparison.Ordinal);
    }

    [Fact]
    public void Since_after_the_last_line_is_an_input_error_not_a_clean_verdict()
    {
        var log = WriteLog(withSpam: true);
        var (code, _, stderr) = Diagnose(log, "--since", "2026-03-02T21:00:00Z");
        Assert.True(code == 2, $"exit {code}: {stderr}");
        Assert.Contains("none within --since/--until/--host", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--since", "yesterday-ish")]
    [InlineData("--queue", "/nonexistent/postqueue.json")]
    public void Bad_options_give_exit_2_with_one_line(string option, string value)
    {
        var log = WriteLog(withSpam: false);
        var (code, _, stderr) = Diagnose(log, option, value);
        Assert.Equal(2, code);
        Assert.Contains(value, stderr, StringComparison.Ordinal);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void A_broken_queue_snapshot_is_named_with_its_line()
    {
        var log = WriteLog(withSpam: true);
        var queue = Path.Combine(_dir.FullName, "postqueue.json");
        File.WriteAllText(queue, "{\"queue_name\": \"deferred\", \"queue_id\": \"ABC\", \"sender\": \"x@y\"}\n{not json\n");
        var (code, _, stderr) = Diagnose(log, "--queue", queue);
        Assert.Equal(2, code);
        Assert.Contains($"{queue}:2:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_log_gives_exit_2_naming_it()
    {
        var missing = Path.Combine(_dir.FullName, "nope.log");
        var (code, _, stderr) = Diagnose(missing);
        Assert.Equal(2, code);
        Assert.Contains("nope.log", stderr, StringComparison.Ordinal);
    }
}
