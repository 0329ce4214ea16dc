namespace SpamTrace.Lab.Tests.Infrastructure;

/// <summary>One lab run driven through the lab's own scripts (the same interface other engineers use).</summary>
public sealed class LabRun
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(240);

    public LabRun(string runDirectory) => RunDirectory = runDirectory;

    public string RunDirectory { get; }

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
