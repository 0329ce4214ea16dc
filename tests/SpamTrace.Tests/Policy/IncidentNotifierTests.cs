using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Tests.Policy;

public class IncidentNotifierTests
{
    private static Incident Sample() => new()
    {
        Id = 7,
        User = "alice@example.com",
        At = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero),
        Reason = "distinct-ips",
        Evidence = "rule: distinct-ips: 12 client IPs within 1h (limit 10)\nclient IPs (most recent first): 203.0.113.9",
    };

    [Fact]
    public async Task The_webhook_receives_the_incident_as_json()
    {
        var port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var received = Task.Run(async () =>
        {
            var context = await listener.GetContextAsync();
            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            context.Response.StatusCode = 204;
            context.Response.Close();
            return body;
        });
        var ok = await new IncidentNotifier().NotifyAsync(Sample(), new NotifyConfig { Webhook = $"http://127.0.0.1:{port}/hook/" }, default);
        Assert.True(ok);
        using var json = JsonDocument.Parse(await received);
        Assert.Equal("alice@example.com", json.RootElement.GetProperty("user").GetString());
        Assert.Equal(7, json.RootElement.GetProperty("id").GetInt64());
        Assert.Contains("203.0.113.9", json.RootElement.GetProperty("evidence").GetString());
    }

    [Fact]
    public async Task The_email_goes_through_the_local_mta_over_smtp()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var session = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { AutoFlush = true, NewLine = "\r\n" };
            var transcript = new StringBuilder();
            await writer.WriteLineAsync("220 fake ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                transcript.AppendLine(line);
                var verb = line.Split(' ')[0].ToUpperInvariant();
                if (verb == "EHLO")
                {
                    await writer.WriteLineAsync("250 fake");
                }
                else if (verb == "DATA")
                {
                    await writer.WriteLineAsync("354 go ahead");
                    while (await reader.ReadLineAsync() is { } data && data != ".")
                    {
                        transcript.AppendLine(data);
                    }
                    await writer.WriteLineAsync("250 2.0.0 queued as FAKE1");
                }
                else if (verb == "QUIT")
                {
                    await writer.WriteLineAsync("221 bye");
                    break;
                }
                else
                {
                    await writer.WriteLineAsync("250 ok");
                }
            }
            return transcript.ToString();
        });
        var config = new NotifyConfig { EmailTo = "postmaster@example.com", SmtpHost = "127.0.0.1", SmtpPort = port };
        Assert.True(await new IncidentNotifier().NotifyAsync(Sample(), config, default));
        var transcript = await session;
        listener.Stop();
        Assert.Contains("RCPT TO:<postmaster@example.com>", transcript);
        Assert.Contains("Subject: [spamtrace] account contained: alice@example.com (distinct-ips)", transcript);
        Assert.Contains("spamtrace policy release alice@example.com", transcript);
    }

    [Fact]
    public async Task A_failing_channel_is_reported_so_the_incident_is_not_marked_notified()
    {
        var config = new NotifyConfig { Webhook = $"http://127.0.0.1:{FreePort()}/nobody-listens" };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => new IncidentNotifier().NotifyAsync(Sample(), config, default));
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
