namespace SpamTrace.Tests.WebScan;

/// <summary>A temporary directory tree of files for a scan, removed on dispose.</summary>
public sealed class WebScanTestTree : IDisposable
{
    public WebScanTestTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "spamtrace-webscan-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                if (!OperatingSystem.IsWindows() && new FileInfo(file).LinkTarget is null) { File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite); }
            }
            Directory.Delete(Root, recursive: true);
        }
    }
}
