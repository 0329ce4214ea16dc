using SpamTrace.Logs.Parsing;

namespace SpamTrace.Logs.Reading;

/// <summary>A problem with one input: the run goes on with the others.</summary>
public sealed record InputError(string Path, long? LineNumber, string Message)
{
    public override string ToString() => LineNumber is { } n ? $"{Path}:{n}: {Message}" : $"{Path}: {Message}";
}

/// <summary>A line no parser recognised, kept as an example for the report.</summary>
public sealed record UnknownLineSample(string Path, long LineNumber, string Text);

/// <summary>What a run read: counts by kind, unknown lines with examples, errors per input.</summary>
public sealed class LogStatistics
{
    public const int MaxUnknownSamples = 50;

    /// <summary>Log bytes read (after decompression).</summary>
    public long Bytes { get; set; }
    public long Lines { get; set; }
    public long[] ByKind { get; } = new long[Enum.GetValues<EventKind>().Length];
    public long UnknownLines => ByKind[(int)EventKind.Unknown];
    /// <summary>Of <see cref="UnknownLines"/>, those from Postfix, amavis or Dovecot (the rest had no syslog envelope).</summary>
    public long UnknownMailLines { get; set; }
    /// <summary>Lines from Postfix, its content filters or Dovecot, understood or not: zero means this is no mail log.</summary>
    public long MailLines => Lines - ByKind[(int)EventKind.Foreign] - UnknownLines + UnknownMailLines;
    /// <summary>Lines longer than the reader's cap, parsed from their first bytes only.</summary>
    public long TruncatedLines { get; set; }
    public List<UnknownLineSample> UnknownSamples { get; } = [];
    public List<InputError> Errors { get; } = [];
    public List<string> InputsRead { get; } = [];
    public DateTime? FirstTimeUtc { get; set; }
    public DateTime? LastTimeUtc { get; set; }
}
