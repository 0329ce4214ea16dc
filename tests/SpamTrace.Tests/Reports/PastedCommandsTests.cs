using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpamTrace.Tests.Cli;
using SpamTrace.Tests.Forensics;

namespace SpamTrace.Tests.Reports;

/// <summary>
/// The commands diagnose prints for pasting, taken from the real binary's terminal output at COLUMNS=40 and 80 (in a
/// pseudo-terminal) and piped: each must be on one line, whole, and do what it says when pasted into an interactive
/// bash (history expansion on), with stub Postfix and Dovecot tools on PATH that record their arguments, in a mount
/// namespace whose /etc/postfix is a private tmpfs so the map files the commands write land there.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class PastedCommandsTests : IDisposable
{
    private const string RelayList = "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("spamtrace-paste-");

    public void Dispose() => _dir.Delete(recursive: true);

    public static TheoryData<string, bool> Fixtures => new()
    {
        { "stolen-password", false },
        { "hacked-script", false },
        { "hacked-script", true },
        { "open-relay", false },
        { "backscatter", false },
    };

    [SkippableTheory]
    [MemberData(nameof(Fixtures))]
    public async Task Every_printed_command_is_whole_on_one_line_and_does_what_it_says_in_interactive_bash(string fixture, bool uidNameUnknown)
    {
        var dir = LabFixtureTests.FixtureDir(fixture);
        Skip.If(dir is null, $"lab/fixtures/{fixture} not in this checkout");
        Skip.If(Environment.UserName != "root" || !File.Exists("/usr/bin/unshare") || !File.Exists("/usr/bin/script") || !File.Exists("/usr/bin/jq"),
            "paste test needs root, unshare, script and jq (deps/field-output.txt)");
        string[] args = ["diagnose", "--no-config", Path.Combine(dir!, "maillog"), Path.Combine(dir!, "dovecot.log")];
        if (uidNameUnknown)
        {
            var passwd = Path.Combine(_dir.FullName, "passwd");
            File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/bash\n");
            args = [.. args, "--passwd", passwd];
        }

        var (exit, json, stderr) = await StrictOptionTests.RunAsync([.. args, "--json"]);
        Assert.True(exit == 1, $"exit {exit}: {stderr}");
        var commands = Commands(json);
        Assert.NotEmpty(commands);

        var outputs = new Dictionary<string, string>
        {
            ["piped"] = (await StrictOptionTests.RunAsync(args)).Stdout,
            ["COLUMNS=40"] = await InTerminal(args, 40),
            ["COLUMNS=80"] = await InTerminal(args, 80),
        };
        foreach (var (how, output) in outputs)
        {
            var lines = output.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
            foreach (var command in commands)
            {
                Assert.True(lines.Contains(command), $"{how}: command not printed whole on one line: {command}\n--- output ---\n{output}");
            }
        }

        var calls = PasteAll(commands, dir!);
        foreach (var (command, run) in calls)
        {
            Assert.True(run.Status == 0 && !run.Stderr.Contains("event not found") && !run.Stderr.Contains("syntax error") && !run.Stderr.Contains("command not found"),
                $"pasted command failed (status {run.Status}): {command}\n{run.Stderr}");
        }
        var recorded = calls.SelectMany(c => c.Run.Calls).ToList();
        foreach (var expected in Expected(fixture, uidNameUnknown, dir!))
        {
            Assert.True(recorded.Contains(expected, StringComparer.Ordinal),
                $"expected call not made: {Show(expected)}\nrecorded:\n{string.Join("\n", recorded.Select(Show))}");
        }
    }

    /// <summary>What the commands mean, call by call: program and arguments joined by " | ", then the stdin the program read, then lines written into /etc/postfix.</summary>
    private static IEnumerable<string> Expected(string fixture, bool uidNameUnknown, string dir)
    {
        switch (fixture)
        {
            case "stolen-password":
                const string user = "alice@lab.example";
                yield return Call("map /etc/postfix/spamtrace_sasl_access", $"{user} REJECT account blocked: sending spam");
                yield return Call("postmap", "hash:/etc/postfix/spamtrace_sasl_access");
                yield return Call("postconf", "-e", $"smtpd_relay_restrictions = check_sasl_access hash:/etc/postfix/spamtrace_sasl_access, {RelayList}");
                yield return Call("postfix", "reload");
                yield return Call("spamtrace", "contain", "--sasl-user", user);
                yield return Call("doveadm", "kick", user);
                yield return Call("postsuper", "-h", "-") + " < " + string.Join(" ", QueueIds(dir, sender => sender == user));
                yield return Call("spamtrace", "policy", "block", user);
                break;
            case "hacked-script":
                yield return Call("postconf", "-e", "authorized_submit_users = !www-data, static:anyone");
                yield return Call("postfix", "reload");
                yield return Call("postsuper", "-h", "-") + " < " + string.Join(" ", QueueIds(dir, sender => sender == "www-data@lab.example"));
                if (uidNameUnknown)
                {
                    yield return Call("getent", "passwd", "33");
                }
                break;
            case "open-relay":
                yield return Call("postconf", "-e", "mynetworks = 127.0.0.0/8 [::1]/128");
                yield return Call("postconf", "-e", "smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination");
                yield return Call("spamtrace", "contain", "--client", "198.19.51.110");
                break;
            case "backscatter":
                yield return Call("postconf", "-e", "smtpd_reject_unlisted_recipient = yes");
                yield return Call("postconf", "-e", "relay_recipient_maps = hash:/etc/postfix/relay_recipients");
                // The pipe holds exactly the null-sender messages of the queue.
                var bounces = QueueIds(dir, sender => sender is "" or "MAILER-DAEMON");
                Assert.NotEmpty(bounces);
                yield return Call("postsuper", "-d", "-") + " < " + string.Join(" ", bounces);
                break;
        }
    }

    /// <summary>The IDs of the fixture's queue whose sender matches, in listing order.</summary>
    private static List<string> QueueIds(string dir, Func<string, bool> sender) =>
        File.ReadLines(Path.Combine(dir, "postqueue.json")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(m => sender(m.GetProperty("sender").GetString() ?? "")).Select(m => m.GetProperty("queue_id").GetString()!).ToList();

    private static string Call(string program, params string[] args) => string.Join(" | ", [program, .. args]);

    private static string Show(string call) => call;

    /// <summary>The command of every action, as --json gives them.</summary>
    private static List<string> Commands(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var list = new List<string>();
        foreach (var culprit in doc.RootElement.GetProperty("culprits").EnumerateArray())
        {
            foreach (var action in culprit.GetProperty("actions").EnumerateArray())
            {
                if (action.GetProperty("command").GetString() is { } command)
                {
                    list.Add(command);
                }
            }
        }
        return list;
    }

    /// <summary>The terminal output in a pseudo-terminal with COLUMNS set, colour codes removed.</summary>
    private async Task<string> InTerminal(string[] args, int columns)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
        var line = string.Join(' ', new[] { "dotnet", "exec", cli }.Concat(args).Select(SpamTrace.Common.ShellQuote.Quote));
        var psi = new ProcessStartInfo("script", ["-qec", line, "/dev/null"]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.Environment["COLUMNS"] = columns.ToString(System.Globalization.CultureInfo.InvariantCulture);
        psi.Environment["TERM"] = "xterm-256color";
        psi.Environment["SPAMTRACE_STATE_DIR"] = _dir.FullName;
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = Ansi().Replace(await stdout, "").Replace("\r", "");
        // Not a wrapped line anywhere: at 40 columns the prose is wrapped, so the test is meaningful only if it was.
        if (columns == 40)
        {
            Assert.Contains(text.Split('\n'), l => l.Length is > 20 and <= 40);
        }
        return text;
    }

    private sealed record PasteRun(int Status, string Stderr, List<string> Calls);

    /// <summary>Each command pasted in turn into one interactive bash; the stub calls each one made.</summary>
    private List<(string Command, PasteRun Run)> PasteAll(List<string> commands, string fixtureDir)
    {
        var stubs = Directory.CreateDirectory(Path.Combine(_dir.FullName, "bin")).FullName;
        var log = Path.Combine(_dir.FullName, "calls");
        var stub = """
            #!/bin/sh
            # Records the program and its arguments, one call per line, fields separated by " | ".
            name=$(basename "$0")
            line="$name"
            for a in "$@"; do line="$line | $a"; done
            last=""; for a in "$@"; do last="$a"; done
            if [ "$last" = "-" ]; then line="$line < $(tr '\n' ' ' | sed 's/ $//')"; fi
            printf '%s\n' "$line" >> "$STUB_LOG"
            case "$name $*" in
              "postqueue -j") cat "$STUB_QUEUE" ;;
              "postconf -hx smtpd_relay_restrictions") echo "$STUB_RELAY" ;;
              "getent passwd 33") echo "www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin" ;;
            esac
            exit 0
            """;
        foreach (var name in new[] { "postsuper", "postqueue", "postmap", "postconf", "postfix", "doveadm", "getent", "find", "swaks", "spamtrace" })
        {
            var path = Path.Combine(stubs, name);
            File.WriteAllText(path, stub.ReplaceLineEndings("\n") + "\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        var script = new StringBuilder();
        for (var i = 0; i < commands.Count; i++)
        {
            script.Append("echo \"@@@ ").Append(i).Append("\" >> \"$STUB_LOG\"; echo \"@@@ ").Append(i).Append("\" >&2\n");
            script.Append(commands[i]).Append('\n');
            script.Append("echo \"@@@ status $?\" >> \"$STUB_LOG\"\n");
            script.Append("for f in /etc/postfix/*; do [ -f \"$f\" ] && sed \"s|^|map $f \\| |\" \"$f\" >> \"$STUB_LOG\"; rm -f \"$f\"; done\n");
        }
        script.Append("exit\n");
        var input = Path.Combine(_dir.FullName, "paste.sh");
        File.WriteAllText(input, script.ToString());

        var psi = new ProcessStartInfo("unshare", ["-m", "sh", "-c", "mount -t tmpfs spamtrace-paste /etc/postfix && exec bash --norc --noprofile -i < \"$0\"", input])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["PATH"] = stubs + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["STUB_LOG"] = log;
        psi.Environment["STUB_QUEUE"] = Path.Combine(fixtureDir, "postqueue.json");
        psi.Environment["STUB_RELAY"] = RelayList;
        psi.Environment["HISTFILE"] = "/dev/null";
        psi.Environment["PS1"] = "";
        psi.Environment["PS2"] = "";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "bash -i did not finish");

        var errors = Regex.Split(stderr, @"@@@ (\d+)\n");
        var errorOf = new Dictionary<int, string>();
        for (var i = 1; i + 1 < errors.Length; i += 2)
        {
            errorOf[int.Parse(errors[i], System.Globalization.CultureInfo.InvariantCulture)] = errors[i + 1];
        }
        var results = new List<(string, PasteRun)>();
        var lines = File.Exists(log) ? File.ReadAllLines(log) : [];
        var current = -1;
        var calls = new List<string>();
        var status = -1;
        foreach (var line in lines.Append("@@@ end"))
        {
            if (line.StartsWith("@@@ status ", StringComparison.Ordinal))
            {
                status = int.Parse(line["@@@ status ".Length..], System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }
            if (line.StartsWith("@@@ ", StringComparison.Ordinal))
            {
                if (current >= 0)
                {
                    results.Add((commands[current], new PasteRun(status, errorOf.GetValueOrDefault(current, ""), calls)));
                }
                current = line == "@@@ end" ? -1 : int.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                calls = [];
                status = -1;
                continue;
            }
            calls.Add(line);
        }
        Assert.True(results.Count == commands.Count, $"only {results.Count} of {commands.Count} commands ran in bash -i:\n{stderr}");
        return results;
    }

    [GeneratedRegex(@"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)")]
    private static partial Regex Ansi();
}
