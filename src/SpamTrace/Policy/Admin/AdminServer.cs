using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Limits;

namespace SpamTrace.Policy.Admin;

/// <summary>
/// The admin unix socket (mode 0600: root only) through which `spamtrace policy status|block|release` reach the
/// running service, so that a release takes effect at once in its memory, not at the next restart.
/// </summary>
internal sealed class AdminServer(PolicyEngine engine, Socket listener, ILogger logger) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public void Start() => _loop = LoopAsync();

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await using var stream = new NetworkStream(client, ownsSocket: true);
            using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
            var line = await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false) ?? "";
            var reply = await ExecuteAsync(line, timeout.Token).ConfigureAwait(false);
            await stream.WriteAsync(Encoding.UTF8.GetBytes(reply + "\n"), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            logger.LogError("admin request failed: {Error}", ex.Message);
        }
    }

    private async Task<string> ExecuteAsync(string line, CancellationToken cancellationToken)
    {
        var parts = line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var verb = parts.Length > 0 ? parts[0].ToUpperInvariant() : "";
        var argument = parts.Length > 1 ? parts[1] : "";
        switch (verb)
        {
            case "STATUS":
                var top = int.TryParse(argument, out var n) && n is > 0 and <= 1000 ? n : 10;
                var status = await AdminOperations.StatusAsync(engine.Store, engine.Config, top, cancellationToken).ConfigureAwait(false);
                status.ServiceRunning = true;
                foreach (var verbName in new[] { "DUNNO", "DEFER", "REJECT", "HOLD" })
                {
                    status.Decisions[verbName] = engine.Metrics.Decisions(verbName);
                }
                status.StoreErrors = engine.Metrics.StoreErrors;
                status.OpenConnections = engine.Metrics.OpenConnections;
                if (engine.Greylist is { } running)
                {
                    status.Greylist = await Greylisting.GreylistStatus.FromAsync(running, running.Store, engine.Config.Greylist, top, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), cancellationToken).ConfigureAwait(false);
                }
                return AdminProtocol.Serialize(status);
            case "GREYLIST" when engine.Greylist is { } greylist && argument.StartsWith("EXPLAIN ", StringComparison.OrdinalIgnoreCase):
                return Greylisting.GreylistJson.Serialize(await Greylisting.GreylistExplainer.ExplainAsync(argument[8..], engine.Config, greylist.Store, greylist.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false));
            case "BLOCK" when argument.Length > 0:
                logger.LogWarning("admin: block {User}", LogValue.Of(argument));
                return AdminProtocol.Serialize(await AdminOperations.BlockAsync(engine.Store, argument,
                    async incident => await engine.ContainAndNotifyAsync(incident, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));
            case "RELEASE" when argument.Length > 0:
                logger.LogWarning("admin: release {User}", LogValue.Of(argument));
                return AdminProtocol.Serialize(await AdminOperations.ReleaseAsync(engine.Store, argument, cancellationToken).ConfigureAwait(false));
            default:
                return AdminProtocol.Serialize(new AdminResult { Message = "unknown admin command (STATUS [N], BLOCK user, RELEASE user)" });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        listener.Dispose();
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
