using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace SpamTrace.Audit.Probe;

/// <summary>
/// A deliberately small SMTP client for probing: it sends exactly the commands it is given (MAIL, RCPT, RSET,
/// XCLIENT, never DATA) and reads replies with bounds, because the server on the other end may be hostile:
/// at most <see cref="MaxLineBytes"/> per line and <see cref="MaxLines"/> lines per reply, every read under a timeout.
/// </summary>
public sealed class SmtpProbeConnection : IAsyncDisposable
{
    public const int MaxLineBytes = 4096;
    public const int MaxLines = 200;

    private readonly TcpClient _client;
    private readonly TimeSpan _timeout;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[8192];
    private int _start;
    private int _end;

    private SmtpProbeConnection(TcpClient client, TimeSpan timeout)
    {
        _client = client;
        _timeout = timeout;
        _stream = client.GetStream();
    }

    public IPEndPoint LocalEndPoint => (IPEndPoint)_client.Client.LocalEndPoint!;

    public IPEndPoint RemoteEndPoint => (IPEndPoint)_client.Client.RemoteEndPoint!;

    public bool IsTls => _stream is SslStream;

    /// <summary>Every command sent and reply read, in order: the transcript shown with --verbose and in tests.</summary>
    public List<string> Transcript { get; } = [];

    public static async Task<SmtpProbeConnection> ConnectAsync(string host, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            await client.ConnectAsync(host, port, cts.Token);
            client.NoDelay = true;
            return new SmtpProbeConnection(client, timeout);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            throw new SmtpProbeException($"{host}:{port}: no connection within {timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            client.Dispose();
            throw new SmtpProbeException($"{host}:{port}: cannot connect: {ex.Message}", ex);
        }
    }

    /// <summary>Sends one command line. Arguments come from the command line and the greeting: CR and LF are refused so that no second command can be smuggled.</summary>
    public async Task<SmtpReply> CommandAsync(string command, CancellationToken cancellationToken)
    {
        if (command.AsSpan().IndexOfAny('\r', '\n') >= 0 || command.Any(c => c > 126 || (c < 32 && c != '\t')))
        {
            throw new ArgumentException("an SMTP command must be one line of printable ASCII", nameof(command));
        }
        Transcript.Add("C: " + command);
        var bytes = Encoding.ASCII.GetBytes(command + "\r\n");
        using var cts = Timed(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cts.Token);
            await _stream.FlushAsync(cts.Token);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            throw new SmtpProbeException($"the server closed the connection before {Verb(command)}: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmtpProbeException($"no room to send {Verb(command)} within {_timeout.TotalSeconds:0.#} s");
        }
        return await ReadReplyAsync(Verb(command), cancellationToken);
    }

    /// <summary>Reads one (possibly multi-line) reply: "250-a", "250-b", "250 c".</summary>
    public async Task<SmtpReply> ReadReplyAsync(string after, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        int? code = null;
        while (true)
        {
            var line = await ReadLineAsync(after, cancellationToken);
            if (line.Length < 3 || !char.IsAsciiDigit(line[0]) || !char.IsAsciiDigit(line[1]) || !char.IsAsciiDigit(line[2])
                || (line.Length > 3 && line[3] is not (' ' or '-')))
            {
                throw new SmtpProbeException($"not an SMTP reply after {after}: {Shorten(line)}");
            }
            var lineCode = int.Parse(line.AsSpan(0, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
            if (code is not null && code != lineCode)
            {
                throw new SmtpProbeException($"reply after {after} changes its code mid-way: {Shorten(line)}");
            }
            code = lineCode;
            lines.Add(line.Length > 4 ? line[4..] : "");
            Transcript.Add("S: " + line);
            if (line.Length == 3 || line[3] == ' ')
            {
                return new SmtpReply(lineCode, lines);
            }
            if (lines.Count >= MaxLines)
            {
                throw new SmtpProbeException($"reply after {after} has more than {MaxLines} lines");
            }
        }
    }

    /// <summary>Upgrades the connection after a 220 to STARTTLS. The certificate is not checked: nothing is sent that needs protecting, and self-signed certificates are common on the servers this probes.</summary>
    public async Task StartTlsAsync(string host, CancellationToken cancellationToken)
    {
        if (_start != _end)
        {
            throw new SmtpProbeException("the server sent data after its STARTTLS reply (possible command injection): not continuing");
        }
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        using var cts = Timed(cancellationToken);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host }, cts.Token);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            await ssl.DisposeAsync();
            throw new SmtpProbeException($"TLS handshake after STARTTLS failed: {ex.Message}", ex);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync();
            throw new SmtpProbeException($"TLS handshake after STARTTLS took longer than {_timeout.TotalSeconds:0.#} s");
        }
        _stream = ssl;
        Transcript.Add("(TLS " + ssl.SslProtocol + ")");
    }

    private async Task<string> ReadLineAsync(string after, CancellationToken cancellationToken)
    {
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                using var cts = Timed(cancellationToken);
                try
                {
                    _start = 0;
                    _end = await _stream.ReadAsync(_buffer, cts.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new SmtpProbeException($"no reply after {after} within {_timeout.TotalSeconds:0.#} s");
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
                {
                    throw new SmtpProbeException($"connection lost waiting for the reply after {after}: {ex.Message}", ex);
                }
                if (_end == 0)
                {
                    throw new SmtpProbeException($"the server closed the connection after {after}");
                }
            }
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            var take = lf < 0 ? span.Length : lf;
            if (line.Count + take > MaxLineBytes)
            {
                throw new SmtpProbeException($"reply line after {after} is longer than {MaxLineBytes} bytes");
            }
            line.AddRange(span[..take]);
            _start += lf < 0 ? take : take + 1;
            if (lf >= 0)
            {
                if (line.Count > 0 && line[^1] == '\r')
                {
                    line.RemoveAt(line.Count - 1);
                }
                // Latin-1 keeps every byte as one char, so that nothing is lost before the renderers escape it.
                return Encoding.Latin1.GetString(line.ToArray());
            }
        }
    }

    private CancellationTokenSource Timed(CancellationToken cancellationToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        return cts;
    }

    private static string Verb(string command)
    {
        var space = command.IndexOf(' ', StringComparison.Ordinal);
        var verb = space < 0 ? command : command[..space];
        return verb is "MAIL" or "RCPT" ? command[..Math.Min(command.Length, 7)] : verb;
    }

    private static string Shorten(string line) => line.Length <= 80 ? line : line[..80] + "...";

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _client.Dispose();
    }
}
