using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Store;

namespace SpamTrace.Tests.Policy;

/// <summary>Keeps every log line the store writes, so tests can check what an admin would read.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}

/// <summary>The embedded store on a real, tiny tmpfs that the test fills up: saving fails loudly and resumes.</summary>
public sealed class StoreDiskFullTests : IDisposable
{
    private readonly string _mount = Directory.CreateTempSubdirectory("spamtrace-full-").FullName;
    private bool _mounted;

    private static int Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }
        using var p = Process.Start(info)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    [SkippableFact]
    public async Task A_full_disk_is_reported_with_the_path_retried_with_backoff_and_saving_resumes_when_there_is_room()
    {
        Skip.If(Environment.UserName != "root" && Environment.GetEnvironmentVariable("CI") is null, "needs root to mount a tmpfs");
        Skip.IfNot(Run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", _mount) == 0, "could not mount a tmpfs (not root, or no mount permission)");
        _mounted = true;
        var path = Path.Combine(_mount, "policy.db");
        var logger = new RecordingLogger();
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var store = new EmbeddedStore(path, TimeSpan.FromHours(1), time, logger);
        await using (store)
        {
            // Fill the file system, then make enough changes that SQLite must grow its files.
            var filler = Path.Combine(_mount, "filler");
            try
            {
                await File.WriteAllBytesAsync(filler, new byte[16 * 1024 * 1024]);
            }
            catch (IOException)
            {
            }
            await Count(store, time, 400);
            Assert.False(store.TryFlush(time.GetUtcNow().ToUnixTimeMilliseconds()));
            Assert.Equal(1, store.FailedFlushes);
            var error = Assert.Single(logger.Lines, l => l.Level == LogLevel.Error);
            Assert.Contains(path, error.Text);
            Assert.Contains("full", error.Text, StringComparison.OrdinalIgnoreCase);
            Assert.False(store.TryFlush(time.GetUtcNow().ToUnixTimeMilliseconds()));
            Assert.Equal(2, store.FailedFlushes);

            File.Delete(filler);
            Assert.True(store.TryFlush(time.GetUtcNow().ToUnixTimeMilliseconds()), store.LastFlushError);
            Assert.Equal(0, store.FailedFlushes);
            Assert.Contains(logger.Lines, l => l.Text.Contains("saving works again", StringComparison.Ordinal));
        }

        // What was counted while the disk was full was saved once it had room.
        var reopened = new EmbeddedStore(path, TimeSpan.FromHours(1), time);
        await using (reopened)
        {
            Assert.Equal(400, reopened.CounterCount);
        }
    }

    [Fact]
    public void Retries_back_off_from_the_flush_interval_to_a_minute_and_start_again_after_a_success()
    {
        var interval = TimeSpan.FromSeconds(2);
        Assert.Equal(interval, EmbeddedStore.FlushDelay(interval, 0));
        Assert.Equal(TimeSpan.FromSeconds(4), EmbeddedStore.FlushDelay(interval, 1));
        Assert.Equal(TimeSpan.FromSeconds(16), EmbeddedStore.FlushDelay(interval, 3));
        Assert.Equal(TimeSpan.FromMinutes(1), EmbeddedStore.FlushDelay(interval, 10));
        Assert.Equal(TimeSpan.FromMinutes(1), EmbeddedStore.FlushDelay(interval, 1000));
    }

    private static async Task Count(EmbeddedStore store, ManualTime time, int users)
    {
        var request = new StoreRequest();
        for (var i = 0; i < users; i++)
        {
            request.Reset();
            request.NowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            request.User = $"user{i}@example.com";
            request.Checks.Add(new CounterCheck($"user:user{i}@example.com:" + new string('x', 200), LimitAlgorithm.Sliding, 1000, 3_600_000, 1, true));
            await store.EvaluateAsync(request, CancellationToken.None);
        }
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", "-l", _mount);
        }
        Directory.Delete(_mount, recursive: true);
    }
}

/// <summary>A store file that is not a database: one clear error with the way out, and an exit code systemd does not restart.</summary>
public sealed class StoreCorruptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spamtrace-corrupt-").FullName;

    [Fact]
    public async Task A_corrupt_store_file_is_named_with_the_way_out_and_an_empty_one_is_a_new_store()
    {
        var path = Path.Combine(_dir, "policy.db");
        File.WriteAllBytes(path, [.. System.Text.Encoding.ASCII.GetBytes("not a database at all"), .. new byte[5000]]);
        var ex = Assert.Throws<StoreCorruptException>(() => new EmbeddedStore(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("mv ", ex.Message);
        Assert.Equal(78, StoreCorruptException.ExitCode);

        var empty = Path.Combine(_dir, "empty.db");
        File.WriteAllBytes(empty, []);
        var logger = new RecordingLogger();
        var store = new EmbeddedStore(empty, logger: logger);
        await store.DisposeAsync();
        Assert.Contains(logger.Lines, l => l.Text.Contains("empty file", StringComparison.Ordinal));
    }

    [Fact]
    public void The_systemd_unit_does_not_restart_on_a_corrupt_store_and_creates_files_0600()
    {
        var unit = File.ReadAllText(Path.Combine(PolicyTestSupport.RepoRoot(), "dist", "spamtrace-policy.service"));
        Assert.Contains($"RestartPreventExitStatus={StoreCorruptException.ExitCode}", unit);
        Assert.Contains("UMask=0077", unit);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
