namespace SpamTrace.Lab.Tests.Infrastructure;

/// <summary>
/// One lab run driven through the lab's own scripts (the same interface other engineers use). Tests that change
/// the configuration or the queue (policy service, contain --apply) start their own with <see cref="StartNew"/>
/// rather than touching the shared run of <see cref="LabFixture"/>; runs coexist in separate namespaces.
/// </summary>
public sealed class LabRun : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(240);

    public LabRun(string runDirectory) => RunDirectory = runDirectory;

    public string RunDirectory { get; }

    /// <summary>Starts a fresh run in a new temporary directory; dispose to stop it and delete the directory.</summary>
    /// <param name="name">A short name for the run directory (and the namespace).</param>
    /// <param name="environment">LAB_POSTCONF, LAB_MASTER_CF, LAB_POSTCONF_MASTER, LAB_USERS, LAB_FILTER (lab/README.md).</param>
    public static LabRun StartNew(string name, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"spamtrace-lab-{name}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}");
        var run = new LabRun(dir) { _ownsDirectory = true };
        try
        {
            run.Start(environment ?? new Dictionary<string, string>());
        }
        catch
        {
            run.Dispose();
            throw;
        }
        return run;
    }

    private bool _ownsDirectory;

    public void Dispose()
    {
        Stop();
        if (_ownsDirectory && Environment.GetEnvironmentVariable("SPAMTRACE_LAB_KEEP") != "1" && Directory.Exists(RunDirectory))
        {
            Directory.Delete(RunDirectory, recursive: true);
        }
    }

    public IReadOnlyDictionary<string, string> Env { get; private set; } = new Dictionary<string, string>();

    public string ConfigDirectory => Env["LAB_CONFIG_DIR"];

    public string Maillog => Env["LAB_MAILLOG"];

    public string DovecotLog => Env["LAB_DOVECOT_LOG"];

    public string OutputDirectory => Env["LAB_OUTPUT_DIR"];

    public void Start(IReadOnlyDictionary<string, string> environment)
    {
        LabProcess.Check(LabPaths.Script("start.sh"), [RunDirectory], StartTimeout, environment);
        Env = File.ReadAllLines(Path.Combine(RunDirectory, "env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
    }

    /// <summary>Plays a scenario; returns its manifest (the script prints the path last).</summary>
    public LabManifest Play(string scenario, params string[] options)
    {
        var result = LabProcess.Check(LabPaths.Script("scenario.sh"), [RunDirectory, scenario, .. options], ScenarioTimeout);
        var path = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last().Trim();
        return LabManifest.Load(path);
    }

    public void Collect(string label) =>
        LabProcess.Check(LabPaths.Script("collect.sh"), [RunDirectory, label], TimeSpan.FromSeconds(60));

    public void Stop() => LabProcess.Run(LabPaths.Script("stop.sh"), [RunDirectory], TimeSpan.FromSeconds(60));

    public ProcessResult Postfix(string tool, params string[] arguments) =>
        LabProcess.Check(tool, ["-c", ConfigDirectory, .. arguments], TimeSpan.FromSeconds(60));
}
