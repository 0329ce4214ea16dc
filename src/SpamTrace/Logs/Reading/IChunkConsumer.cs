namespace SpamTrace.Logs.Reading;

/// <summary>Receives parsed chunks on one thread, in input order.</summary>
public interface IChunkConsumer
{
    void Consume(LogChunk chunk);

    /// <summary>Called once after the last chunk of the last input.</summary>
    void Complete();
}
