using System.Diagnostics;
using System.Text;
using System.Text.Json;
using SpamTrace.Logs.Reading;
using Xunit.Abstractions;

namespace SpamTrace.Tests.Cli;

/// <summary>
/// journald as the only log (Debian 12 without rsyslog): the commands read `journalctl -o json` themselves.
/// A fake journalctl (SPAMTRACE_JOURNALCTL) plays a recorded stream and records its arguments; a real one is
/// used where this machine's journal holds Postfix records. Runs the real binary.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class JournalInputTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTime Start = new(2024, 3, 23, 5, 1, 52, DateTimeKind.Utc);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("spamtrace-journal-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static string Record(int second, string identifier, int pid, string message, bool messageAsBytes = false)
    {
        var micros = (Start.AddSeconds(second) - DateTime.UnixEpoch).Ticks / 10;
        var messageJson = messageAsBytes
            ? "[" + string.Join(",", Encoding.UTF8.GetBytes(message)) + "]"
            : JsonSerializer.Serialize(message);
        return $$"""{"__CURSOR":"s=1;i={{second}}","__REALTIME_TIMESTAMP":"{{micros}}","_HOSTNAME":"mx","SYSLOG_IDENTIFIER":"{{identifier}}","_PID":"{{pid}}","_SYSTEMD_UNIT":"postfix@-.service","MESSAGE":{{messageJson}}}""" + "\n";
    }

    /// <summary>One message from a SASL client delivered out, a rejected relay attempt, and a failed login.</summary>
    private static string RecordedStream() => string.Concat(
        Record(0, "postfix/smtpd", 2001, "connect from unknown[203.0.113.7]"),
        Record(1, "postfix/smtpd", 2001, "4F2A1C2B3D: client=unknown[203.0.113.7], sasl_method=LOGIN, sasl_username=alice@example.org"),
        Record(1, "postfix/cleanup", 2002, "4F2A1C2B3D: message-id=<1@example.org>"),
        Record(1, "postfix/qmgr", 2003, "4F2A1C2B3D: from=<alice@example.org>, size=900, nrcpt=1 (queue active)"),
        // journald stores a MESSAGE that is not valid UTF-8 as an array of bytes.
        Record(2, "postfix/smtp", 2004, "4F2A1C2B3D: to=<bob@remote.example>, relay=mx.remote.example[198.51.100.9]:25, delay=1, delays=0/0/0/1, dsn=2.0.0, status=sent (250 ok caf\u00e9)", messageAsBytes: true),
        Record(2, "postfix/qmgr", 2003, "4F2A1C2B3D: removed"),
        Record(3, "postfix/smtpd", 2001, "disconnect from unknown[203.0.113.7] ehlo=1 auth=1 mail=1 rcpt=1 data=1 quit=1 commands=6"));

    /// <summary>A journalctl stand-in: `-F FIELD` lists values, anything else prints the stream; each call's arguments go to a file.</summary>
    private (string Script, string ArgumentsLog) FakeJournalctl(string stream)
    {
        var json = Path.Combine(_dir.FullName, "stream.json");
        File.WriteAllText(json, stream);
        var argumentsLog = Path.Combine(_dir.FullName, "arguments.log");
        var script = Path.Combine(_dir.FullName, "journalctl");
        File.WriteAllText(script, $$"""
            #!/bin/sh
            printf '%s\n' "$*" >> '{{argumentsLog}}'
            case "$*" in
              *"-F SYSLOG_IDENTIFIER"*) printf 'postfix/smtpd\npostfix/cleanup\npostfix/qmgr\npostfix/smtp\nsshd\nCRON\n' ;;
              *"-F _SYSTEMD_UNIT"*) printf 'postfix@-.service\nssh.service\n' ;;
              *) cat '{{json}}' ;;
            esac
            """.Replace("\r", ""));
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (script, argumentsLog);
    }

    [Fact]
    public async Task Journal_reads_the_postfix_records_through_journalctl_json()
    {
        var (journalctl, argumentsLog) = FakeJournalctl(RecordedStream());
        var (exit, stdout, stderr) = await RunAsync(["scan", "--journal"], journalctl);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("  journal", stdout);
        Assert.Contains("lines: 7", stdout.Replace(",", ""));

        var jsonCall = File.ReadAllLines(argumentsLog).Single(a => a.Contains("-o json"));
        Assert.Contains("SYSLOG_IDENTIFIER=postfix/smtpd", jsonCall);
        Assert.Contains("SYSLOG_IDENTIFIER=postfix/qmgr", jsonCall);
        Assert.Contains("+ _SYSTEMD_UNIT=postfix@-.service", jsonCall);
        Assert.DoesNotContain("sshd", jsonCall);
        Assert.DoesNotContain("ssh.service", jsonCall);
    }

    [Fact]
    public async Task Trace_follows_a_message_from_the_journal_with_since_passed_to_journalctl()
    {
        var (journalctl, argumentsLog) = FakeJournalctl(RecordedStream());
        var (exit, stdout, stderr) = await RunAsync(["trace", "4F2A1C2B3D", "--journal", "--since", "2024-03-23T05:00", "--json"], journalctl);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("bob@remote.example", stdout);
        Assert.Contains("alice@example.org", stdout);
        var jsonCall = File.ReadAllLines(argumentsLog).Single(a => a.Contains("-o json"));
        Assert.Contains("--since 2024-03-23 05:00:00 UTC", jsonCall);
    }

    [Fact]
    public async Task Journal_dir_reads_a_copied_journal_with_journalctl_D()
    {
        var copied = Directory.CreateDirectory(Path.Combine(_dir.FullName, "copied-journal")).FullName;
        var (journalctl, argumentsLog) = FakeJournalctl(RecordedStream());
        var (exit, stdout, stderr) = await RunAsync(["trace", "alice@example.org", "--journal-dir", copied], journalctl);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("4F2A1C2B3D", stdout);
        Assert.All(File.ReadAllLines(argumentsLog), call => Assert.StartsWith($"-D {copied} ", call));
    }

    [Fact]
    public async Task A_cut_stream_keeps_the_earlier_records_and_names_the_error()
    {
        var stream = RecordedStream();
        var cut = stream[..(stream.LastIndexOf('\n', stream.Length - 2) + 40)];
        var (journalctl, _) = FakeJournalctl(cut);
        var (exit, stdout, stderr) = await RunAsync(["scan", "--journal"], journalctl);
        output.WriteLine(stdout + stderr);
        Assert.Equal(2, exit);
        Assert.Contains("lines: 6", stdout.Replace(",", ""));
        Assert.Contains("journal:7:", stdout + stderr);
        Assert.Contains("ends inside a record", stdout + stderr);
    }

    [Fact]
    public async Task Journalctl_failing_is_an_input_error_with_its_message()
    {
        var script = Path.Combine(_dir.FullName, "journalctl");
        File.WriteAllText(script, "#!/bin/sh\necho 'Failed to open journal: permission denied' >&2\nexit 1\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (exit, _, stderr) = await RunAsync(["scan", "--journal"], script);
        Assert.Equal(2, exit);
        Assert.Contains("permission denied", stderr);
    }

    [Fact]
    public async Task Without_a_mail_log_file_diagnose_reads_the_journal_and_otherwise_says_what_it_tried()
    {
        if (Directory.EnumerateFiles("/var/log").Any(f => Path.GetFileName(f).StartsWith("mail", StringComparison.Ordinal)))
        {
            output.WriteLine("SKIPPED: this machine has /var/log/mail* files, so diagnose without paths reads them");
            return;
        }
        var (journalctl, _) = FakeJournalctl(RecordedStream());
        var (exit, stdout, stderr) = await RunAsync(["diagnose", "--no-config"], journalctl);
        output.WriteLine(stdout + stderr);
        Assert.Contains("reading Postfix's records from the systemd journal", stderr);
        Assert.DoesNotContain("sample incident", stdout + stderr);
        Assert.Equal(0, exit);

        var (_, sampleOut, sampleErr) = await RunAsync(["diagnose", "--no-config"], Path.Combine(_dir.FullName, "no-such-journalctl"));
        // The note is wrapped to the terminal width.
        var note = System.Text.RegularExpressions.Regex.Replace(sampleOut + sampleErr, @"\s+", " ");
        Assert.Contains("looked for /var/log/maillog* and /var/log/mail.log*, and in the systemd journal: journalctl not found", note);
        Assert.Contains("sample incident", note);
    }

    [Fact]
    public async Task A_real_journal_with_postfix_records_is_read()
    {
        var journalctl = new[] { "/usr/bin/journalctl", "/bin/journalctl" }.FirstOrDefault(File.Exists);
        var identifiers = journalctl is null ? "" : Run(journalctl, "-F", "SYSLOG_IDENTIFIER");
        if (!identifiers.Split('\n').Any(i => i.StartsWith("postfix", StringComparison.Ordinal)))
        {
            output.WriteLine($"SKIPPED: no journal with Postfix records on this machine ({(journalctl is null ? "no journalctl" : "journalctl -F SYSLOG_IDENTIFIER lists no postfix/*")})");
            return;
        }
        var qmgrRecords = Run(journalctl!, "-q", "-o", "json", "SYSLOG_IDENTIFIER=postfix/qmgr").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var (exit, stdout, stderr) = await RunAsync(["scan", "--journal"], journalctl!);
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, exit);
        Assert.Contains("  journal", stdout);
        var lines = long.Parse(stdout.Split('\n').Single(l => l.StartsWith("lines: ", StringComparison.Ordinal))[7..].Split(' ')[0].Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(lines >= qmgrRecords, $"{lines} lines read, the journal holds {qmgrRecords} postfix/qmgr records alone");
    }

    private static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return text;
    }

    internal static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(IEnumerable<string> args, string journalctl)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
        var psi = new ProcessStartInfo("dotnet", ["exec", cli, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["SPAMTRACE_STATE_DIR"] = Path.GetTempPath();
        psi.Environment[JournalSource.OverrideVariable] = journalctl;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
