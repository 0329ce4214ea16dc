namespace SpamTrace.Tests.Queue;

/// <summary>
/// Outputs captured from a real Postfix 3.7 by Queue/fixtures/regenerate.sh (one run: the JSON listing, the mailq
/// text and the postcat outputs describe the same queue at the same moment).
/// </summary>
public static class QueueFixtures
{
    public static string Directory { get; } = Find();

    public static string Read(string name) => File.ReadAllText(Path.Combine(Directory, name));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SpamTrace.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "SpamTrace.Tests", "Queue", "fixtures");
            }
        }
        throw new DirectoryNotFoundException("SpamTrace.slnx not found above " + AppContext.BaseDirectory);
    }
}
