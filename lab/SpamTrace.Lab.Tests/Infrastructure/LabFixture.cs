using Xunit.Abstractions;
using Xunit.Sdk;

namespace SpamTrace.Lab.Tests.Infrastructure;

/// <summary>
/// Starts one lab run for the whole test run, plays every scenario with parameters drawn from one seed (logged;
/// replay with SPAMTRACE_LAB_SEED), collects the outputs and stops the lab at the end. Tests call
/// <see cref="Require"/> first: it skips (or fails in CI) when the machine cannot run the lab.
/// </summary>
public sealed class LabFixture : IDisposable
{
    private static readonly string[] Names = ["ana", "ben", "chloe", "dario", "eva", "farid", "gita", "hugo", "ines", "jon", "kemal", "lena"];
    private static readonly string[] ScriptNames = ["wp-cache", "class-mailer", "thumb", "xmlrpc-helper", "db-export", "wp-l0gin", "newsletter"];
    private static readonly string[] Sites = ["shop.lab.example", "blog.lab.example", "news.lab.example"];

    private readonly IMessageSink _log;
    private readonly Lazy<ChainIndex> _chains;
    private readonly Exception? _failure;

    public LabFixture(IMessageSink log)
    {
        _log = log;
        _chains = new Lazy<ChainIndex>(() => ChainIndex.Build(Run!.Maillog));
        Unavailable = LabRequirements.WhyUnavailable();
        Seed = int.TryParse(Environment.GetEnvironmentVariable("SPAMTRACE_LAB_SEED"), out var s) ? s : Random.Shared.Next(1, int.MaxValue);
        if (Unavailable is not null)
        {
            Say("lab tests not run: " + Unavailable);
            return;
        }
        Say($"lab: seed {Seed} (replay with SPAMTRACE_LAB_SEED={Seed})");
        var started = DateTime.UtcNow;
        try
        {
            Run = new LabRun(Path.Combine(Path.GetTempPath(), $"spamtrace-lab-{Environment.ProcessId}"));
            PlayAll(new Random(Seed));
            Say($"lab: started, played {Manifests.Count} scenarios and collected in {(DateTime.UtcNow - started).TotalSeconds:F1} s ({Run.RunDirectory})");
        }
        catch (Exception e)
        {
            _failure = e;
            Say($"lab: failed after {(DateTime.UtcNow - started).TotalSeconds:F1} s: {e.Message}");
        }
    }

    public int Seed { get; }

    public string? Unavailable { get; }

    public LabRun? Run { get; private set; }

    public Dictionary<string, LabManifest> Manifests { get; } = [];

    public ChainIndex Chains => _chains.Value;

    public LabManifest Manifest(string scenario) => Manifests[scenario];

    /// <summary>Skips with the reason (fails in CI) when the lab cannot run here; rethrows a failed start.</summary>
    public LabRun Require()
    {
        if (Unavailable is not null)
        {
            if (LabRequirements.InCi())
            {
                throw new XunitException("lab unavailable in CI: " + Unavailable);
            }
            Skip.If(true, "lab unavailable: " + Unavailable);
        }
        if (_failure is not null)
        {
            throw new InvalidOperationException($"the lab run failed (seed {Seed})", _failure);
        }
        return Run!;
    }

    private void PlayAll(Random rng)
    {
        var names = Names.OrderBy(_ => rng.Next()).Take(5).Select(n => $"{n}{rng.Next(10, 99)}").ToArray();
        var users = string.Join(' ', names.Select(n => $"{n}:{Convert.ToHexString(BitConverter.GetBytes(rng.NextInt64())).ToLowerInvariant()}"));
        Run!.Start(new Dictionary<string, string> { ["LAB_USERS"] = users });

        string Seeded() => rng.Next(1, int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string N(int min, int max) => rng.Next(min, max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

        Play("stolen-password", "--seed", Seeded(), "--user", names[0], "--count", N(8, 20), "--rcpts", N(2, 5),
            "--ip-count", N(3, 10), "--brute-ips", N(1, 3), "--auth-failures", N(3, 8),
            "--legit-users", $"{names[1]},{names[2]}", "--legit-count", N(1, 3));
        Play("hacked-script", "--seed", Seeded(), "--script", $"{ScriptNames[rng.Next(ScriptNames.Length)]}{N(1, 99)}.php",
            "--site", Sites[rng.Next(Sites.Length)], "--count", N(5, 15), "--rcpts", N(1, 4), "--legit-count", N(1, 2),
            "--cron-count", "1");
        Play("open-relay", "--seed", Seeded(), "--count", N(4, 10), "--rcpts", N(1, 4), "--ip-count", N(1, 4), "--probes", N(1, 3));
        Play("backscatter", "--seed", Seeded(), "--count", N(4, 10), "--ip-count", N(2, 4), "--probes", N(1, 2));
        // Last: it switches the content filter to tempfail for a moment.
        Play("queue-states", "--seed", Seeded(), "--user", names[3], "--count", N(3, 6), "--hold", "1", "--tempfail", N(1, 2), "--blocked", N(1, 2));
        Run.Collect("final");
    }

    private void Play(string scenario, params string[] options)
    {
        Say($"lab: {scenario} {string.Join(' ', options)}");
        Manifests[scenario] = Run!.Play(scenario, options);
    }

    private void Say(string text) => _log.OnMessage(new DiagnosticMessage(text));

    public void Dispose()
    {
        if (Run is null)
        {
            return;
        }
        Run.Stop();
        if (Environment.GetEnvironmentVariable("SPAMTRACE_LAB_KEEP") != "1")
        {
            try
            {
                Directory.Delete(Run.RunDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless; the run's processes are already stopped.
            }
        }
        else
        {
            Say("lab: kept " + Run.RunDirectory);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class LabCollection : ICollectionFixture<LabFixture>
{
    public const string Name = "Lab";
}
