using System.Collections.Concurrent;
using SpamTrace.Logs.Correlation;

namespace SpamTrace.Logs;

/// <summary>
/// Runs the commands' observer (diagnose's aggregation, trace's matching) on a thread of its own, fed in
/// batches and in order: the correlator's thread is the pipeline's bottleneck, so whatever an observer
/// costs would otherwise add to the wall time one for one. The queue is bounded, so memory is too.
/// </summary>
internal sealed class BackgroundObserver : ILogObserver
{
    private const int BatchSize = 512;
    private const int MaxQueuedBatches = 64;

    private readonly ILogObserver _inner;
    private readonly BlockingCollection<object[]> _batches = new(MaxQueuedBatches);
    private readonly Thread _thread;
    private object[] _current = new object[BatchSize];
    private int _count;
    private Exception? _failure;

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
            _batches.Add(Seal());
        }
        _batches.CompleteAdding();
        _thread.Join();
        ThrowIfFailed();
    }

    /// <summary>Stops the thread without waiting for the rest (the run failed or was cancelled).</summary>
    public void Abandon()
    {
        _failure ??= new OperationCanceledException();
        _batches.CompleteAdding();
        _thread.Join();
    }

    private void Add(object item)
    {
        ThrowIfFailed();
        _current[_count++] = item;
        if (_count == BatchSize)
        {
            _batches.Add(Seal());
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

    private void Drain()
    {
        try
        {
            foreach (var batch in _batches.GetConsumingEnumerable())
            {
                if (_failure is not null)
                {
                    continue;
                }
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
            // Keep taking batches so the producer never blocks on a full queue.
            foreach (var _ in _batches.GetConsumingEnumerable())
            {
            }
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
