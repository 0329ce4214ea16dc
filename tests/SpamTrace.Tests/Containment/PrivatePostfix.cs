using System.Diagnostics;
using SpamTrace.Queue;
using SpamTrace.Tests.Queue;

namespace SpamTrace.Tests.Containment;

/// <summary>
/// A real Postfix of our own (private-postfix.sh): own config and queue directories under /tmp, no inet listener,
/// mail deferred to a closed loopback port. Needs root and the postfix and swaks packages; outside CI a missing
/// prerequisite skips the test with the reason shown, in CI it fails.
/// </summary>
public sealed class PrivatePostfix : IDisposable
{
    private static readonly string Script = Path.Combine(QueueFixtures.Directory, "..", "..", "Containment", "private-postfix.sh");

    public string Directory { get; }
    public string ConfigDirectory => Path.Combine(Directory, "etc");
    public PostfixInstance Instance { get; }

    public PrivatePostfix()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("spamtrace-queue-test-").FullName;
        var started = Run(Script, "start", Directory);
        if (started.ExitCode != 0)
        {
            throw new InvalidOperationException($"private Postfix did not start: {started.Output}");
        }
        Instance = new PostfixInstance(new ProcessRunner(), ConfigDirectory);
    }

    public static void SkipUnlessAvailable()
    {
        var why = Environment.UserName != "root" ? "not root"
            : !File.Exists("/usr/sbin/postfix") ? "postfix is not installed (deps/install.sh installs it)"
            : !File.Exists("/usr/bin/swaks") ? "swaks is not installed (deps/install.sh installs it)"
            : null;
        if (why is not null && Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail($"real-Postfix test cannot run in CI: {why}");
        }
        Skip.If(why is not null, $"real-Postfix test skipped: {why}");
    }

    /// <summary>The standard mix (see private-postfix.sh fill), waited for until every message was tried once.</summary>
    public List<QueuedMessage> Fill()
    {
        Check(Run(Script, "fill", Directory));
        return WaitSettled(11);
    }

    /// <summary>An "authenticated" submission (XCLIENT LOGIN) through the real smtpd; returns swaks' exit code and transcript.</summary>
    public (int ExitCode, string Output) Submit(string login, string from, string to, string client = "203.0.113.99") =>
        Run(Script, "submit", Directory, login, from, to, client);

    /// <summary>A local submission with sendmail as USER.</summary>
    public (int ExitCode, string Output) Send(string user, string from, string to) => Run(Script, "send", Directory, user, from, to, "local test");

    public List<QueuedMessage> List() => Instance.ListQueue(new QueueReadStatistics());

    /// <summary>Waits until COUNT messages are queued and none is still on its way in (maildrop, incoming, active).</summary>
    public List<QueuedMessage> WaitSettled(int count)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var queue = List();
            if (queue.Count == count && queue.All(m => m.QueueName is "deferred" or "hold" && (m.IsHeld || m.Recipients.All(r => r.DelayReason is not null))))
            {
                return queue;
            }
            if (watch.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"queue did not settle at {count} messages: {string.Join(", ", queue.Select(m => $"{m.QueueId}/{m.QueueName}"))}");
            }
            Thread.Sleep(200);
        }
    }

    public void Dispose() => Run(Script, "stop", Directory);

    private static void Check((int ExitCode, string Output) result)
    {
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(result.Output);
        }
    }

    private static (int ExitCode, string Output) Run(params string[] command)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var word in command) { info.ArgumentList.Add(word); }
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.GetAwaiter().GetResult());
    }
}
