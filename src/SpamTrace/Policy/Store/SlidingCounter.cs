namespace SpamTrace.Policy.Store;

/// <summary>
/// Exact sliding window: a ring of (time, weight) events and their running sum. An event leaves the window exactly
/// when it is older than the window, so the admitted total over any window-long interval never exceeds the limit.
/// Not thread-safe: the store serialises access.
/// </summary>
internal sealed class SlidingCounter
{
    private long[] _times = new long[4];
    private long[] _weights = new long[4];
    private int _head;
    private int _count;

    public long Sum { get; private set; }

    public int Count => _count;

    public void Expire(long cutoffMs)
    {
        while (_count > 0 && _times[_head] <= cutoffMs)
        {
            Sum -= _weights[_head];
            _head = (_head + 1) % _times.Length;
            _count--;
        }
    }

    public void Add(long nowMs, long weight)
    {
        if (_count == _times.Length)
        {
            Grow();
        }
        var tail = (_head + _count) % _times.Length;
        _times[tail] = nowMs;
        _weights[tail] = weight;
        _count++;
        Sum += weight;
    }

    private void Grow()
    {
        var times = new long[_times.Length * 2];
        var weights = new long[_times.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            times[i] = _times[(_head + i) % _times.Length];
            weights[i] = _weights[(_head + i) % _times.Length];
        }
        _times = times;
        _weights = weights;
        _head = 0;
    }

    public IEnumerable<(long Time, long Weight)> Events()
    {
        for (var i = 0; i < _count; i++)
        {
            var at = (_head + i) % _times.Length;
            yield return (_times[at], _weights[at]);
        }
    }
}

/// <summary>Token bucket: up to Max tokens, refilled at Max per window. Not thread-safe.</summary>
internal sealed class TokenBucket
{
    public double Tokens { get; set; } = -1;
    public long LastMs { get; set; }

    public void Refill(long nowMs, long max, long windowMs)
    {
        if (Tokens < 0)
        {
            Tokens = max;
            LastMs = nowMs;
            return;
        }
        if (nowMs > LastMs)
        {
            Tokens = Math.Min(max, Tokens + (nowMs - LastMs) * (double)max / windowMs);
            LastMs = nowMs;
        }
    }
}
