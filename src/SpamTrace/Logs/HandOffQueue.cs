namespace SpamTrace.Logs;

/// <summary>
/// A blocking FIFO between two stages of the log engine (reader, parsers, correlator, observer) that sleeps instead
/// of spinning while it waits. BlockingCollection spins first, and on a 2-core server the spinning of whichever stage
/// waited took CPU from the stage everyone was waiting for.
/// </summary>
/// <remarks>Bounded when given a capacity: <see cref="Add"/> then waits for room.</remarks>
internal sealed class HandOffQueue<T>(int capacity = int.MaxValue) where T : class
{
    private readonly Queue<T> _items = new();
    private readonly object _gate = new();
    private bool _completed;
    private bool _failed;

    /// <summary>Adds an item, waiting for room; false (the item dropped) once the queue was failed.</summary>
    public bool Add(T item)
    {
        lock (_gate)
        {
            while (_items.Count >= capacity && !_failed)
            {
                Monitor.Wait(_gate);
            }
            if (_failed)
            {
                return false;
            }
            _items.Enqueue(item);
            Monitor.PulseAll(_gate);
            return true;
        }
    }

    /// <summary>No more items will be added: takers get null once the queue is empty.</summary>
    public void CompleteAdding()
    {
        lock (_gate)
        {
            _completed = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The taking stage gave up: what is queued is dropped, and adders stop waiting and drop theirs.</summary>
    public void Fail()
    {
        lock (_gate)
        {
            _failed = true;
            _items.Clear();
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The next item, waiting for one; null when the queue is completed (or failed) and empty.</summary>
    /// <exception cref="OperationCanceledException">When <paramref name="cancellationToken"/> fires.</exception>
    public T? Take(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_items.TryDequeue(out var item))
                {
                    Monitor.PulseAll(_gate);
                    return item;
                }
                if (_completed || _failed)
                {
                    return null;
                }
                // The timeout only bounds how late a cancellation is noticed.
                Monitor.Wait(_gate, 200);
            }
        }
    }
}
