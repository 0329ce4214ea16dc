namespace SpamTrace.Logs.Reading;

/// <summary>
/// A consumer that only counts what reaches it (the statistics already hold the per-kind figures):
/// measures reading and parsing alone, and checks that every parsed line was handed on.
/// </summary>
public sealed class CountingConsumer : IChunkConsumer
{
    public long Chunks { get; private set; }
    public long Events { get; private set; }
    public bool Completed { get; private set; }

    public void Consume(LogChunk chunk)
    {
        Chunks++;
        Events += chunk.EventCount;
    }

    public void Complete() => Completed = true;
}
