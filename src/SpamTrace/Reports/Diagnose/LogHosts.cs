using SpamTrace.Logs.Parsing;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Reports.Diagnose;

/// <summary>The server a log comes from: the syslog host field most Postfix lines carry, for the report's title.</summary>
public static class LogHosts
{
    private const int MaxLines = 5000;

    /// <summary>The most frequent host among the first Postfix lines of the newest input; null when none could be read.</summary>
    public static string? Of(IReadOnlyList<LogInput> inputs)
    {
        if (inputs.Count == 0 || inputs[^1].Path is "/dev/stdin" or "-")
        {
            return null;
        }
        var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var stream = LogOpener.Open(inputs[^1].Open(), inputs[^1].Path);
            using var reader = new StreamReader(stream);
            for (var i = 0; i < MaxLines && reader.ReadLine() is { } text; i++)
            {
                var line = System.Text.Encoding.UTF8.GetBytes(text);
                var ev = default(LogEvent);
                PostfixLineParser.Parse(line, ref ev);
                if (ev.Kind is EventKind.Foreign or EventKind.Unknown || ev.Host.ToStringOrNull(line) is not { } host)
                {
                    continue;
                }
                counts[host] = counts.GetValueOrDefault(host) + 1;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return null; // the reading itself reports the error; the title goes without a host
        }
        return counts.Count == 0 ? null : counts.MaxBy(kv => kv.Value).Key;
    }
}
