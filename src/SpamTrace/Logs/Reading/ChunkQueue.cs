namespace SpamTrace.Logs.Reading;

/// <summary>
/// A blocking FIFO of chunks between the pipeline's threads that sleeps instead of spinning while it waits.
/// BlockingCollection spins first; here the waiting stage is the one ahead of the correlator, and on a 2-core
/// server its spinning took CPU from the correlator, the stage everyone was waiting for.
/// </summary>
internal sealed class ChunkQueue
{
    private readonly Queue<LogChunk> _items = new();
    private readonly object _gate = new();
    private bool _completed;

    public void Add(LogChunk chunk)
    {
        lock (_gate)
        {
            _items.Enqueue(chunk);
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>No more chunks will be added: takers get null once the queue is empty.</summary>
    public void CompleteAdding()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The next chunk, waiting for one; null when the queue is completed and empty.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires.</exception>
    public LogChunk? Take(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_items.TryDequeue(out var chunk))
                {
                    return chunk;
                }
                if (_completed)
                {
                    return null;
                }
                // The timeout only bounds how late a cancellation is noticed.
                Monitor.Wait(_gate, 200);
            }
        }
    }
}
