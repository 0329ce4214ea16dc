using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Reading;

public class ChunkQueueTests
{
    private static LogChunk Chunk() => new(16, 1);

    [Fact]
    public void Chunks_come_out_in_order_then_null_once_completed()
    {
        var queue = new ChunkQueue();
        LogChunk a = Chunk(), b = Chunk();
        queue.Add(a);
        queue.Add(b);
        queue.CompleteAdding();
        Assert.Same(a, queue.Take(CancellationToken.None));
        Assert.Same(b, queue.Take(CancellationToken.None));
        Assert.Null(queue.Take(CancellationToken.None));
    }

    [Fact]
    public async Task A_waiting_taker_wakes_for_a_chunk_added_later()
    {
        var queue = new ChunkQueue();
        var chunk = Chunk();
        var taker = Task.Run(() => queue.Take(CancellationToken.None));
        await Task.Delay(50);
        Assert.False(taker.IsCompleted);
        queue.Add(chunk);
        Assert.Same(chunk, await taker.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_waiting_taker_stops_on_cancellation()
    {
        var queue = new ChunkQueue();
        using var cancel = new CancellationTokenSource();
        var taker = Task.Run(() => queue.Take(cancel.Token));
        await Task.Delay(50);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => taker.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
