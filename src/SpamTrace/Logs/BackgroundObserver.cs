using SpamTrace.Logs.Correlation;

namespace SpamTrace.Logs;

/// <summary>
/// Runs the commands' observer (diagnose's aggregation, trace's matching) on a thread of its own, fed in
/// batches and in order: the correlator's thread is the pipeline's bottleneck, so whatever an observer
/// costs would otherwise add to the wall time one for one. The queue is bounded, so memory is too.
/// </summary>
/// <remarks>
/// Both sides sleep on a monitor when they must wait. BlockingCollection spins first, and on a 2-core server that
/// spinning took CPU from the parser and correlator threads. The queue is short: a chain waiting in it when a gen0
/// collection comes (every 8 MB allocated) is promoted, and diagnose's observer is slower than the correlator, so a
/// long queue stays full and most chains were promoted and copied.
/// </remarks>
internal sealed class BackgroundObserver : ILogObserver
{
    // At most ~640 items in flight. Measured on the 1 GB benchmark log, diagnose's GC time fell from 1.7 s with
    // 64 x 512 items queued to 1.0 s with 4 x 128; the hand-offs this adds cost no measurable CPU.
    private const int BatchSize = 128;
    private const int MaxQueuedBatches = 4;

    private readonly ILogObserver _inner;
    private readonly HandOffQueue<object[]> _batches = new(MaxQueuedBatches);
    private readonly Thread _thread;
    private object[] _current = new object[BatchSize];
    private int _count;
    private volatile Exception? _failure;

    public BackgroundObserver(ILogObserver inner)
    {
        _inner = inner;
        _thread = new Thread(Drain) { IsBackground = true, Name = "spamtrace-observer" };
        _thread.Start();
    }

    public void OnChain(MessageChain chain) => Add(chain);

    public void OnSessionEvent(SessionEvent e) => Add(e);

    /// <summary>Hands over what is left, waits for the observer to finish, and rethrows its failure.</summary>
    public void Complete()
    {
        if (_count > 0 && _failure is null)
        {
            Enqueue(Seal());
        }
        _batches.CompleteAdding();
        _thread.Join();
        ThrowIfFailed();
    }

    /// <summary>Stops the thread without waiting for the rest (the run failed or was cancelled).</summary>
    public void Abandon()
    {
        _failure ??= new OperationCanceledException();
        _batches.Fail();
        _thread.Join();
    }

    private void Add(object item)
    {
        ThrowIfFailed();
        _current[_count++] = item;
        if (_count == BatchSize)
        {
            Enqueue(Seal());
        }
    }

    private object[] Seal()
    {
        var batch = _current;
        if (_count < batch.Length)
        {
            Array.Resize(ref batch, _count);
        }
        _current = new object[BatchSize];
        _count = 0;
        return batch;
    }

    // A failed observer takes nothing more: the batch is dropped and the failure rethrown by the next Add.
    private void Enqueue(object[] batch) => _batches.Add(batch);

    private void Drain()
    {
        try
        {
            while (_batches.Take(CancellationToken.None) is { } batch)
            {
                foreach (var item in batch)
                {
                    if (item is MessageChain chain)
                    {
                        _inner.OnChain(chain);
                    }
                    else
                    {
                        _inner.OnSessionEvent((SessionEvent)item);
                    }
                }
            }
        }
        catch (Exception ex)
        {
            _failure = ex;
            // Wakes a producer waiting for room: it drops its batch and sees the failure.
            _batches.Fail();
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure and not OperationCanceledException)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }
}
