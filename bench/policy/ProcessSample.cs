using System.Globalization;

namespace SpamTrace.PolicyBench;

/// <summary>CPU time (user+system, all threads) and resident memory of the server under test, from /proc.</summary>
internal readonly record struct ProcessSample(double CpuSeconds, long RssKiB)
{
    public static ProcessSample? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name, which is in parentheses and may contain spaces.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            long rss = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
            }
            return new ProcessSample(ticks / 100.0, rss);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A forking daemon (postfwd) serves from children: sum the whole process tree.</summary>
    public static ProcessSample? ReadTree(int pid)
    {
        var root = Read(pid);
        if (root is null)
        {
            return null;
        }
        var cpu = root.Value.CpuSeconds;
        var rss = root.Value.RssKiB;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var child) || child == pid)
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText($"{dir}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == pid && Read(child) is { } sample)
                {
                    cpu += sample.CpuSeconds;
                    rss += sample.RssKiB;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
            }
        }
        return new ProcessSample(cpu, rss);
    }
}
