using System.Diagnostics;

namespace SpamTrace.Common;

/// <summary>
/// Replaces a file so that readers (postmap, an admin's editor, a crash) see the old or the new content, never a
/// half-written one: write a temporary file beside it, fsync, copy mode and owner, rename over the original.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.spamtrace-{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(content);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            if (OperatingSystem.IsWindows())
            {
                // No modes or owners to keep.
            }
            else if (File.Exists(path))
            {
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(path));
                CopyOwner(path, temporary);
            }
            else
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>.NET has no chown: coreutils' --reference copies owner and group exactly.</summary>
    private static void CopyOwner(string from, string to)
    {
        var info = new ProcessStartInfo("chown") { RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("--reference=" + from);
        info.ArgumentList.Add(to);
        using var process = Process.Start(info);
        if (process is null)
        {
            return;
        }
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new IOException($"chown --reference={from} {to}: {error.Trim()}");
        }
    }
}
