using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SpamTrace.Common;
using SpamTrace.Policy.Serving;
using SpamTrace.Policy.Store;

namespace SpamTrace.Tests.Policy;

/// <summary>Hostile clients of the policy and metrics listeners: slow drips, endless headers, connection storms.</summary>
public sealed class PolicyHardeningTests : IAsyncLifetime
{
    private PolicyServer _server = null!;

    public Task InitializeAsync()
    {
        var config = PolicyTestSupport.Config("""
            {
              "listen": { "tcp": "127.0.0.1:0", "metrics": "127.0.0.1:0", "requestTimeout": "2s" },
              "limits": [ { "name": "user", "windows": ["200/1h"] } ],
              "containment": { "enabled": false }
            }
            """);
        _server = new PolicyServer(PolicyTestSupport.Engine(config, new EmbeddedStore(null)), NullLogger.Instance);
        _server.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _server.Engine.Store.DisposeAsync();
    }

    [Fact]
    public async Task A_client_sending_one_byte_at_a_time_is_cut_off_by_the_request_timeout_from_the_request_start()
    {
        using var drip = await PolicyTestSupport.ConnectAsync(_server.TcpEndPoint!);
        var bytes = Encoding.UTF8.GetBytes(PolicyTestSupport.Request("RCPT", "alice"));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var closed = false;
        // One byte every 300 ms never leaves the connection idle for a whole second, so only a bound on the whole
        // request (2 s here) can end it; the request itself would need minutes to arrive.
        for (var i = 0; i < bytes.Length && watch.Elapsed < TimeSpan.FromSeconds(15); i++)
        {
            try
            {
                await drip.SendAsync(bytes.AsMemory(i, 1), SocketFlags.None);
            }
            catch (SocketException)
            {
                closed = true;
                break;
            }
            if (drip.Poll(0, SelectMode.SelectRead) && drip.Available == 0)
            {
                closed = true;
                break;
            }
            await Task.Delay(300);
        }
        Assert.True(closed, "the dripping client was never disconnected");
        Assert.InRange(watch.Elapsed.TotalSeconds, 1.5, 6);
    }

    [Fact]
    public async Task The_metrics_endpoint_cuts_off_a_client_sending_endless_headers_within_a_few_kilobytes()
    {
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(_server.MetricsEndPoint!);
        await client.SendAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.0\r\n"), SocketFlags.None);
        var header = Encoding.ASCII.GetBytes("X-Filler: " + new string('a', 1000) + "\r\n");
        try
        {
            for (var i = 0; i < 64; i++)
            {
                await client.SendAsync(header, SocketFlags.None);
            }
        }
        catch (SocketException)
        {
        }
        // Past 8 KiB without the blank line that ends the headers, the server closes at once (a reset or an end of
        // stream), instead of reading on until its timeout.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var closed = false;
        try
        {
            closed = await client.ReceiveAsync(new byte[64], SocketFlags.None, cts.Token) == 0;
        }
        catch (SocketException)
        {
            closed = true;
        }
        catch (OperationCanceledException)
        {
        }
        Assert.True(closed, "the metrics endpoint kept the connection open while headers kept coming");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task The_metrics_endpoint_closes_a_silent_client_after_its_timeout_and_still_serves_scrapes()
    {
        var silent = new List<Socket>();
        for (var i = 0; i < 20; i++)
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync(_server.MetricsEndPoint!);
            silent.Add(s);
        }
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        Assert.Equal(0, await silent[0].ReceiveAsync(buffer, SocketFlags.None, cts.Token));
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 8);
        foreach (var s in silent)
        {
            s.Dispose();
        }
        using var http = new HttpClient();
        var text = await http.GetStringAsync($"http://{_server.MetricsEndPoint}/metrics");
        Assert.Contains("spamtrace_policy", text);
    }
}

public sealed class IntervalSummaryTests
{
    [Fact]
    public void Reports_the_first_occurrence_at_once_and_the_rest_as_one_count_per_interval()
    {
        var reports = new List<(long Count, TimeSpan Since)>();
        var summary = new IntervalSummary(TimeSpan.FromSeconds(60), (n, since) => reports.Add((n, since)));
        summary.Record(0);
        for (var t = 1; t <= 5000; t++)
        {
            summary.Record(t);
        }
        Assert.Single(reports);
        summary.Tick(30_000);
        Assert.Single(reports);
        summary.Tick(60_000);
        Assert.Equal(2, reports.Count);
        Assert.Equal(5000, reports[1].Count);
        Assert.Equal(TimeSpan.FromSeconds(60), reports[1].Since);
        summary.Tick(200_000);
        Assert.Equal(2, reports.Count);
    }
}
