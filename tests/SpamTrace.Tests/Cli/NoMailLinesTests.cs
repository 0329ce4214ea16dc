namespace SpamTrace.Tests.Cli;

/// <summary>
/// Input with nothing to judge is an input error (exit 2, saying what was read), never "No outbound spam found"
/// with exit 0, which monitoring reads as clean; a run where some inputs failed says so and exits 2 unless
/// --keep-going. diagnose and scan agree. Runs the real binary.
/// </summary>
public sealed class NoMailLinesTests : IDisposable
{
    private const string CleanLog = """
        Mar  2 20:00:01 mx postfix/smtpd[10]: connect from mail.partner.example[198.51.100.7]
        Mar  2 20:00:02 mx postfix/smtpd[10]: 1A2B3C4D5E: client=mail.partner.example[198.51.100.7]
        Mar  2 20:00:02 mx postfix/cleanup[11]: 1A2B3C4D5E: message-id=<1@partner.example>
        Mar  2 20:00:02 mx postfix/qmgr[12]: 1A2B3C4D5E: from=<carol@partner.example>, size=900, nrcpt=1 (queue active)
        Mar  2 20:00:03 mx postfix/local[13]: 1A2B3C4D5E: to=<alice@example.org>, relay=local, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (delivered to mailbox)
        Mar  2 20:00:03 mx postfix/qmgr[12]: 1A2B3C4D5E: removed

        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("spamtrace-nomail-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, byte[] content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string DpkgLog() => Write("dpkg.log", System.Text.Encoding.UTF8.GetBytes(string.Concat(
        Enumerable.Range(0, 300).Select(i => $"2026-12-01 10:{i % 60:D2}:00 status installed libfoo{i}:amd64 1.{i}-1\n"))));

    public static TheoryData<string> Commands => new() { "diagnose", "scan" };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task An_empty_file_is_an_input_error(string command)
    {
        var log = Write("empty.log", []);
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync([command, log]);
        Assert.Equal(2, exit);
        Assert.Contains("empty.log: empty, no line to read: is this a mail log?", stderr);
        Assert.DoesNotContain("No outbound spam found", stdout);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_log_of_another_program_is_an_input_error_saying_how_many_lines_were_read(string command)
    {
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync([command, DpkgLog()]);
        Assert.Equal(2, exit);
        Assert.Contains("dpkg.log: 300 lines read, none from Postfix: is this a mail log?", stderr);
        Assert.DoesNotContain("No outbound spam found", stdout);
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_binary_file_is_an_input_error(string command)
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        var (exit, _, stderr) = await StrictOptionTests.RunAsync([command, Write("blob.bin", bytes)]);
        Assert.Equal(2, exit);
        Assert.Contains("none from Postfix: is this a mail log?", stderr);
    }

    [Theory]
    [InlineData("--since", "2026-03-03")]
    [InlineData("--host", "other-mx")]
    public async Task A_filter_that_selects_nothing_is_an_input_error(string option, string value)
    {
        var log = Write("mail.log", System.Text.Encoding.UTF8.GetBytes(CleanLog));
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["diagnose", log, option, value]);
        Assert.Equal(2, exit);
        Assert.Contains("mail log lines read, none within --since/--until/--host", stderr);
        Assert.DoesNotContain("No outbound spam found", stdout);
    }

    [Fact]
    public async Task A_clean_mail_log_is_still_clean()
    {
        var log = Write("mail.log", System.Text.Encoding.UTF8.GetBytes(CleanLog));
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["diagnose", log]);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("No outbound spam found", stdout);
    }

    [Fact]
    public async Task Diagnose_with_a_failed_input_says_so_in_its_verdict_and_exits_2_unless_keep_going()
    {
        var log = Write("mail.log", System.Text.Encoding.UTF8.GetBytes(CleanLog));
        var missing = Path.Combine(_dir.FullName, "missing.log");
        var (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["diagnose", log, missing]);
        Assert.True(exit == 2, $"exit {exit}: {stderr}");
        Assert.Contains("missing.log", stderr);
        Assert.Contains("Incomplete: 1 of 2 inputs could not be read", stdout);

        (exit, stdout, stderr) = await StrictOptionTests.RunAsync(["diagnose", log, missing, "--keep-going"]);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
        Assert.Contains("Incomplete: 1 of 2 inputs could not be read", stdout);
    }

    [Fact]
    public async Task Scan_with_a_failed_input_exits_2_unless_keep_going()
    {
        var log = Write("mail.log", System.Text.Encoding.UTF8.GetBytes(CleanLog));
        var missing = Path.Combine(_dir.FullName, "missing.log");
        var (exit, _, stderr) = await StrictOptionTests.RunAsync(["scan", log, missing]);
        Assert.True(exit == 2, $"exit {exit}: {stderr}");
        (exit, _, stderr) = await StrictOptionTests.RunAsync(["scan", log, missing, "--keep-going"]);
        Assert.True(exit == 0, $"exit {exit}: {stderr}");
    }
}
