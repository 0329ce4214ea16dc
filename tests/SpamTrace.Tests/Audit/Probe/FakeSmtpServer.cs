using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SpamTrace.Tests.Audit.Probe;

/// <summary>
/// An in-process SMTP server on 127.0.0.1 that answers RCPT with a rule the test gives, records every command
/// it receives and can offer XCLIENT like Postfix does for smtpd_authorized_xclient_hosts.
/// </summary>
internal sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Decides the RCPT reply from the sender, the recipient and the client address in effect (the XCLIENT one when used).</summary>
    public Func<string, string, string, string> Rcpt { get; init; } = (_, _, _) => "554 5.7.1 Relay access denied";

    public string Greeting { get; init; } = "220 mx.example.test ESMTP";
    public bool OfferXclient { get; init; }
    /// <summary>Raw bytes sent instead of the EHLO reply (hostile text tests).</summary>
    public string? EhloReply { get; init; }
    public string MailReply { get; init; } = "250 2.1.0 Ok";

    public List<string> Received { get; } = [];

    public FakeSmtpServer()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Target => $"127.0.0.1:{Port}";

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);
        async Task Say(string text) => await stream.WriteAsync(Encoding.Latin1.GetBytes(text.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n"));
        var clientAddress = ((IPEndPoint)client.Client.RemoteEndPoint!).Address.ToString();
        var from = "";
        try
        {
            await Say(Greeting);
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (Received)
                {
                    Received.Add(line);
                }
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await Say(EhloReply ?? (OfferXclient ? "250-mx.example.test\n250-PIPELINING\n250-XCLIENT NAME ADDR PROTO HELO\n250 8BITMIME" : "250-mx.example.test\n250-PIPELINING\n250 8BITMIME"));
                        break;
                    case "HELO":
                        await Say("250 mx.example.test");
                        break;
                    case "XCLIENT" when OfferXclient:
                        clientAddress = line.Split(' ').First(a => a.StartsWith("ADDR=", StringComparison.Ordinal))[5..];
                        await Say(Greeting);
                        break;
                    case "MAIL":
                        from = line[(line.IndexOf('<') + 1)..line.LastIndexOf('>')];
                        await Say(MailReply);
                        break;
                    case "RCPT":
                        await Say(Rcpt(from, line[(line.IndexOf('<') + 1)..line.LastIndexOf('>')], clientAddress));
                        break;
                    case "RSET":
                        await Say("250 2.0.0 Ok");
                        break;
                    case "QUIT":
                        await Say("221 2.0.0 Bye");
                        return;
                    default:
                        await Say("502 5.5.2 Error: command not recognized");
                        break;
                }
            }
        }
        catch (IOException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
