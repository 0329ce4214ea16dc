namespace SpamTrace.Lab.Tests.Infrastructure;

/// <summary>Where the repository, the lab scripts and the built CLI are, found from the test's base directory.</summary>
public static class LabPaths
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SpamTrace.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("SpamTrace.slnx not found above " + AppContext.BaseDirectory);
    }

    public static string LabDirectory() => Path.Combine(RepositoryRoot(), "lab");

    public static string Script(string name) => Path.Combine(LabDirectory(), name);

    /// <summary>The CLI assembly copied next to the tests (the project references it).</summary>
    public static string CliAssembly() => Path.Combine(AppContext.BaseDirectory, "SpamTrace.Cli.dll");
}
