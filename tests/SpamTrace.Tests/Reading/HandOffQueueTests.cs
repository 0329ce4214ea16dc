using SpamTrace.Logs;
using SpamTrace.Logs.Reading;

namespace SpamTrace.Tests.Reading;

public class HandOffQueueTests
{
    private static LogChunk Chunk() => new(16, 1);

    [Fact]
    public void Chunks_come_out_in_order_then_null_once_completed()
    {
        var queue = new HandOffQueue<LogChunk>();
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
        var queue = new HandOffQueue<LogChunk>();
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
        var queue = new HandOffQueue<LogChunk>();
        using var cancel = new CancellationTokenSource();
        var taker = Task.Run(() => queue.Take(cancel.Token));
        await Task.Delay(50);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => taker.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task A_bounded_queue_makes_the_adder_wait_for_room()
    {
        var queue = new HandOffQueue<LogChunk>(capacity: 1);
        LogChunk a = Chunk(), b = Chunk();
        Assert.True(queue.Add(a));
        var adder = Task.Run(() => queue.Add(b));
        await Task.Delay(50);
        Assert.False(adder.IsCompleted);
        Assert.Same(a, queue.Take(CancellationToken.None));
        Assert.True(await adder.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Same(b, queue.Take(CancellationToken.None));
    }

    [Fact]
    public async Task A_failed_queue_drops_what_it_held_and_releases_a_waiting_adder()
    {
        var queue = new HandOffQueue<LogChunk>(capacity: 1);
        Assert.True(queue.Add(Chunk()));
        var adder = Task.Run(() => queue.Add(Chunk()));
        await Task.Delay(50);
        queue.Fail();
        Assert.False(await adder.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Null(queue.Take(CancellationToken.None));
        Assert.False(queue.Add(Chunk()));
    }
}
