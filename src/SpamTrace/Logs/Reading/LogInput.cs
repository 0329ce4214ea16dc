namespace SpamTrace.Logs.Reading;

/// <summary>One log to read: a file (plain or compressed) or standard input.</summary>
public sealed class LogInput
{
    public LogInput(string path, Func<Stream> open, DateTime? lastWriteUtc)
    {
        Path = path;
        Open = open;
        LastWriteUtc = lastWriteUtc;
    }

    /// <summary>How the input is named in messages: the path as given, or "-" for stdin.</summary>
    public string Path { get; }
    /// <summary>Opens the decompressed byte stream.</summary>
    public Func<Stream> Open { get; }
    /// <summary>The file's modification time, used to infer the year of classic syslog timestamps.</summary>
    public DateTime? LastWriteUtc { get; }

    public override string ToString() => Path;
}
