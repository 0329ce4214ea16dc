using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SpamTrace.Common;
using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Greylisting;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Metrics;
using SpamTrace.Policy.Store;

namespace SpamTrace.Policy.Serving;

/// <summary>
/// Runs the policy server under the generic host (foreground or systemd Type=notify). SIGHUP re-reads the config file
/// and swaps limits, exemptions, containment, notification and greylist settings in place: open connections stay open.
/// Listen addresses and the store type are read at start only.
/// </summary>
public sealed class PolicyHostedService(PolicyConfig config, ILoggerFactory loggerFactory) : IHostedService, IDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("spamtrace.policy");
    private IPolicyStore? _store;
    private IGreylistStore? _greylistStore;
    private PolicyServer? _server;
    private PosixSignalRegistration? _hangup;
    private readonly CancellationTokenSource _stopping = new();
    private Task _pendingNotifications = Task.CompletedTask;

    public PolicyServer? Server => _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _store = await StoreFactory.CreateAsync(config.Store, _logger, cancellationToken).ConfigureAwait(false);
        var engine = new PolicyEngine(config, _store, new IncidentNotifier(), new PolicyMetrics(), _logger);
        _greylistStore = await GreylistStoreFactory.CreateAsync(config, _logger).ConfigureAwait(false);
        GreylistSetup.Attach(engine, _greylistStore, config, _logger);
        foreach (var warning in ListenerExposure.Warnings(config))
        {
            _logger.LogWarning("{Warning}", warning);
        }
        _server = new PolicyServer(engine, _logger);
        _server.Start();
        _pendingNotifications = Task.Run(async () =>
        {
            try
            {
                await engine.RetryPendingNotificationsUntilReadAsync(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        if (!OperatingSystem.IsWindows())
        {
            if (InheritedSignals.RestoreHangup())
            {
                _logger.LogInformation("SIGHUP was ignored when the service started (nohup?); it reloads the config again");
            }
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Reload(engine);
            });
        }
    }

    private void Reload(PolicyEngine engine)
    {
        if (config.SourcePath is null)
        {
            return;
        }
        try
        {
            var fresh = PolicyConfigLoader.Load(config.SourcePath);
            var old = engine.Config;
            if (fresh.UnixSocket != old.UnixSocket || fresh.Tcp != old.Tcp || fresh.Store.Kind != old.Store.Kind || fresh.Store.Path != old.Store.Path || fresh.Store.Redis != old.Store.Redis)
            {
                _logger.LogWarning("SIGHUP: listen addresses and the store are read at start only; restart the service to change them");
            }
            engine.Reload(fresh);
            if (engine.Greylist is { } greylister)
            {
                GreylistSetup.Reload(greylister, old.Greylist, fresh.Greylist, _logger);
            }
            _logger.LogInformation("SIGHUP: reloaded {Path}: {Limits} limits, {Exempt} exemptions, {Greylist}", config.SourcePath, fresh.Limits.Count, fresh.Exempt.Count, GreylistSetup.Describe(fresh.Greylist));
        }
        catch (PolicyConfigException ex)
        {
            _logger.LogError("SIGHUP: {Path} is invalid, keeping the running config: {Errors}", config.SourcePath, string.Join("; ", ex.Errors));
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _hangup?.Dispose();
        _hangup = null;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _pendingNotifications.ConfigureAwait(false);
        if (_server is not null)
        {
            await _server.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        if (_store is not null)
        {
            await _store.DisposeAsync().ConfigureAwait(false);
            _store = null;
        }
        if (_greylistStore is not null)
        {
            await _greylistStore.DisposeAsync().ConfigureAwait(false);
            _greylistStore = null;
        }
        _logger.LogInformation("policy service stopped");
    }

    public void Dispose()
    {
        _hangup?.Dispose();
        _stopping.Dispose();
    }
}
