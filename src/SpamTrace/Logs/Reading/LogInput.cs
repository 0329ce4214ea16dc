namespace SpamTrace.Logs.Reading;

/// <summary>One log to read: a file (plain or compressed) or standard input.</summary>
public sealed class LogInput
{
    public LogInput(string path, Func<Stream> open, DateTime? lastWriteUtc, long? sizeOnDisk = null)
    {
        Path = path;
        Open = open;
        LastWriteUtc = lastWriteUtc;
        SizeOnDisk = sizeOnDisk;
    }

    /// <summary>How the input is named in messages: the path as given, or "-" for stdin.</summary>
    public string Path { get; }
    /// <summary>Opens the decompressed byte stream (see <see cref="LogOpener"/>).</summary>
    public Func<Stream> Open { get; }
    /// <summary>The file's modification time, used to infer the year of classic syslog timestamps.</summary>
    public DateTime? LastWriteUtc { get; }
    /// <summary>The file's size as stored (compressed or not), for progress; null for stdin.</summary>
    public long? SizeOnDisk { get; }

    public override string ToString() => Path;
}
