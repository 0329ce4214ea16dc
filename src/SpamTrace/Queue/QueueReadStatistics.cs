namespace SpamTrace.Queue;

/// <summary>What a queue reader could not use: counted and shown, never fatal.</summary>
public sealed class QueueReadStatistics
{
    private readonly List<string> _samples = [];

    public long Lines { get; set; }
    public long Messages { get; set; }
    public long BadLines { get; private set; }

    /// <summary>The first few bad lines, with their line numbers, for the error summary.</summary>
    public IReadOnlyList<string> BadLineSamples => _samples;

    public void AddBadLine(string source, long lineNumber, string why)
    {
        BadLines++;
        if (_samples.Count < 5)
        {
            _samples.Add($"{source}:{lineNumber}: {why}");
        }
    }
}
