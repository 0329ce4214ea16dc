namespace SpamTrace.Common;

/// <summary>Finds a program the way a shell does: an explicit path as given, a bare name in the PATH directories.</summary>
public static class ExecutablePath
{
    public static string? Find(string name)
    {
        if (name.Contains('/'))
        {
            return File.Exists(name) ? name : null;
        }
        var path = Environment.GetEnvironmentVariable("PATH");
        var directories = string.IsNullOrEmpty(path) ? ["/usr/local/bin", "/usr/bin", "/bin"] : path.Split(':');
        foreach (var directory in directories)
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
            {
                return candidate;
            }
        }
        return null;
    }
}
