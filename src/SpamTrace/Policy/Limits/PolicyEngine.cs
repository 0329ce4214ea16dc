using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Containment;
using SpamTrace.Policy.Metrics;
using SpamTrace.Policy.Protocol;
using SpamTrace.Policy.Store;

namespace SpamTrace.Policy.Limits;

/// <summary>
/// Turns one policy request into one access(5) action: exemptions, sender/login ownership, per-message recipient caps,
/// windowed limits (checked at RCPT, counted atomically at END-OF-MESSAGE), and automatic containment.
/// Thread-safe; the config is swapped atomically on reload.
/// </summary>
public sealed class PolicyEngine
{
    private readonly IPolicyStore _store;
    private readonly IIncidentNotifier _notifier;
    private readonly PolicyMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private volatile PolicyConfig _config;
    private volatile SenderLoginMap? _loginMap;
    private long _lastStoreErrorLog;

    public PolicyEngine(PolicyConfig config, IPolicyStore store, IIncidentNotifier notifier, PolicyMetrics metrics, ILogger logger, TimeProvider? time = null)
    {
        _store = store;
        _notifier = notifier;
        _metrics = metrics;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _config = config;
        _loginMap = config.SenderLoginMap is null ? null : SenderLoginMap.Load(config.SenderLoginMap);
    }

    public PolicyConfig Config => _config;

    public IPolicyStore Store => _store;

    public PolicyMetrics Metrics => _metrics;

    /// <summary>Greylisting, asked at RCPT when the limits answer DUNNO; null when the service runs without it.</summary>
    public Greylisting.Greylister? Greylist { get; set; }

    /// <summary>Swaps in a new config (limits, containment, exemptions, login map); listeners are not affected.</summary>
    public void Reload(PolicyConfig config)
    {
        var map = config.SenderLoginMap is null ? null : SenderLoginMap.Load(config.SenderLoginMap);
        _config = config;
        _loginMap = map;
    }

    public async ValueTask<PolicyAction> DecideAsync(PolicyRequest request, DecisionContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        _metrics.Attributes(request.UnknownAttributes, request.RepeatedAttributes);
        var action = await DecideCoreAsync(request, context, cancellationToken).ConfigureAwait(false);
        if (Greylist is { } greylist && action.Verb == "DUNNO" && request.State == ProtocolState.Rcpt)
        {
            action = await greylist.DecideAsync(request, _config, cancellationToken).ConfigureAwait(false);
        }
        _metrics.Decision(action.Verb, Stopwatch.GetTimestamp() - started);
        return action;
    }

    private async ValueTask<PolicyAction> DecideCoreAsync(PolicyRequest request, DecisionContext context, CancellationToken cancellationToken)
    {
        var config = _config;
        if (!request.IsAccessPolicy || request.State is not (ProtocolState.Rcpt or ProtocolState.EndOfMessage))
        {
            return PolicyAction.Dunno;
        }
        var user = request.HasUser ? request.SaslUsername : null;
        if (config.Exempt.Matches(user, request.Sender, request.ClientAddress))
        {
            return PolicyAction.Dunno;
        }
        var isRcpt = request.State == ProtocolState.Rcpt;
        if (isRcpt && user is not null && _loginMap is { } map && !map.IsOwnedBy(request.Sender, user))
        {
            Log(LogLevel.Information, request, config.SenderMismatchAction, "sender not owned by the SASL login");
            return config.SenderMismatchAction;
        }

        var storeRequest = context.StoreRequest;
        storeRequest.Reset();
        context.CheckRules.Clear();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        storeRequest.NowMs = now;
        var containment = config.Containment;
        if (user is not null)
        {
            storeRequest.User = user.ToLowerInvariant();
            storeRequest.ClientIp = request.ClientAddress;
            storeRequest.ClientNetwork = KeyValues.Network(request.ClientAddress, containment.NetworkPrefixV4, containment.NetworkPrefixV6);
            storeRequest.ActivityWindowMs = (long)containment.Window.TotalMilliseconds;
            storeRequest.CountMessage = !isRcpt;
        }
        var rcptInMessage = isRcpt ? context.CountRecipient(request.Instance) : 0;
        LimitRule? capExceeded = null;
        foreach (var rule in config.Limits)
        {
            var key = KeyValues.For(rule, request);
            if (key is null)
            {
                continue;
            }
            if (rule.Count == LimitCount.RecipientsPerMessage)
            {
                if (isRcpt && capExceeded is null && rcptInMessage > rule.MaxPerMessageFor(key))
                {
                    capExceeded = rule;
                }
                continue;
            }
            long weight;
            bool add;
            if (rule.Key == LimitKey.RecipientDomain)
            {
                if (!isRcpt)
                {
                    continue;
                }
                (weight, add) = (1, true);
            }
            else if (isRcpt)
            {
                // Early answer at RCPT: would this message (with the recipients so far) exceed? Nothing is counted yet.
                (weight, add) = (rule.Count == LimitCount.Messages ? 1 : rcptInMessage, false);
            }
            else
            {
                (weight, add) = (rule.Count == LimitCount.Messages ? 1 : Math.Max(1, request.RecipientCount), true);
            }
            foreach (var window in rule.WindowsFor(key))
            {
                storeRequest.Checks.Add(new CounterCheck(
                    string.Create(CultureInfo.InvariantCulture, $"{rule.Name}:{window.LengthMs}:{key}"),
                    rule.Algorithm, window.Max, window.LengthMs, weight, add));
                context.CheckRules.Add(rule);
            }
        }
        if (capExceeded is not null && user is null)
        {
            Log(LogLevel.Information, request, capExceeded.Action, $"limit {capExceeded.Name}: more than {capExceeded.MaxPerMessageFor(KeyValues.For(capExceeded, request)!)} recipients in one message");
            return capExceeded.Action;
        }

        StoreResult result;
        try
        {
            var pending = _store.EvaluateAsync(storeRequest, cancellationToken);
            result = pending.IsCompletedSuccessfully
                ? pending.Result
                : await pending.AsTask().WaitAsync(config.Store.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.StoreError();
            var last = Interlocked.Read(ref _lastStoreErrorLog);
            if (now - last > 10_000 && Interlocked.CompareExchange(ref _lastStoreErrorLog, now, last) == last)
            {
                _logger.LogError("policy store unavailable ({Error}); answering {Action} until it returns", ex is TimeoutException ? $"no answer within {config.Store.Timeout.TotalMilliseconds} ms" : ex.Message, config.Store.OnError.Text);
            }
            return config.Store.OnError;
        }

        if (result.Contained)
        {
            Log(LogLevel.Information, request, containment.Action, "account is contained");
            await RecordHeldAsync(storeRequest.User!, request, containment.Action, cancellationToken).ConfigureAwait(false);
            return containment.Action;
        }
        if (user is not null && containment.Enabled && Trigger(containment, result) is { } reason)
        {
            await ContainAsync(storeRequest.User!, reason, result, request, cancellationToken).ConfigureAwait(false);
            await RecordHeldAsync(storeRequest.User!, request, containment.Action, cancellationToken).ConfigureAwait(false);
            return containment.Action;
        }
        if (capExceeded is not null)
        {
            Log(LogLevel.Information, request, capExceeded.Action, $"limit {capExceeded.Name}: too many recipients in one message");
            return capExceeded.Action;
        }
        if (result.FailedCheck >= 0)
        {
            var rule = context.CheckRules[result.FailedCheck];
            var check = storeRequest.Checks[result.FailedCheck];
            Log(LogLevel.Information, request, rule.Action, $"limit {rule.Name} reached ({check.Max} per {Duration.Format(TimeSpan.FromMilliseconds(check.WindowMs))})");
            return rule.Action;
        }
        return PolicyAction.Dunno;
    }

    /// <summary>
    /// At END-OF-MESSAGE the queue ID is known: remember which held messages belong to the contained account, so that
    /// `spamtrace policy release --requeue` can release exactly those from the hold queue.
    /// </summary>
    private async ValueTask RecordHeldAsync(string user, PolicyRequest request, PolicyAction action, CancellationToken cancellationToken)
    {
        if (request.State != ProtocolState.EndOfMessage || request.QueueId is null || action.Verb != "HOLD")
        {
            return;
        }
        try
        {
            await _store.RecordHeldAsync(user, request.QueueId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.StoreError();
            _logger.LogWarning("could not record held message {QueueId} of {User}: {Error}", LogValue.Of(request.QueueId), LogValue.Of(user), ex.Message);
        }
    }

    /// <summary>The name of the containment rule the user's activity breaks, or null.</summary>
    public static string? Trigger(ContainmentConfig c, in StoreResult r)
    {
        if (c.MaxDistinctIps > 0 && r.DistinctIps > c.MaxDistinctIps)
        {
            return $"distinct-ips: {r.DistinctIps} client IPs within {Duration.Format(c.Window)} (limit {c.MaxDistinctIps})";
        }
        if (c.MaxDistinctNetworks > 0 && r.DistinctNetworks > c.MaxDistinctNetworks)
        {
            return $"distinct-networks: {r.DistinctNetworks} client networks within {Duration.Format(c.Window)} (limit {c.MaxDistinctNetworks})";
        }
        if (c.MaxLimitHits > 0 && r.LimitHits >= c.MaxLimitHits)
        {
            return $"limit-hits: {r.LimitHits} limit hits within {Duration.Format(c.Window)} (limit {c.MaxLimitHits})";
        }
        if (c.BaselineMultiple > 0 && r.BaselinePerHour >= 0 && r.HourMessages >= c.BaselineMinMessages
            && r.HourMessages > c.BaselineMultiple * Math.Max(1, r.BaselinePerHour))
        {
            return string.Create(CultureInfo.InvariantCulture, $"baseline: {r.HourMessages} messages in the last hour, {r.BaselinePerHour:0.#} per hour usually (multiple {c.BaselineMultiple})");
        }
        return null;
    }

    private async ValueTask ContainAsync(string user, string reason, StoreResult result, PolicyRequest request, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<string> ips = [];
        try
        {
            ips = await _store.RecentIpsAsync(user, now.ToUnixTimeMilliseconds(), (long)_config.Containment.Window.TotalMilliseconds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogWarning("could not read the client IPs of {User} for the incident: {Error}", LogValue.Of(user), ex.Message);
        }
        var evidence = string.Join("\n",
            $"rule: {reason}",
            $"distinct client IPs: {result.DistinctIps}, networks: {result.DistinctNetworks}, limit hits: {result.LimitHits}",
            string.Create(CultureInfo.InvariantCulture, $"messages in the last hour: {result.HourMessages}, usual per hour: {(result.BaselinePerHour < 0 ? "unknown (less than a day of history)" : result.BaselinePerHour.ToString("0.#", CultureInfo.InvariantCulture))}"),
            $"last request: state={request.State} sender={LogValue.Of(request.Sender, "<>")} recipient={LogValue.Of(request.Recipient)} client={LogValue.Of(request.ClientAddress)} ({LogValue.Of(request.ClientName)}) helo={LogValue.Of(request.HeloName)}",
            $"client IPs (most recent first): {string.Join(", ", ips.Take(50))}{(ips.Count > 50 ? $" and {ips.Count - 50} more" : "")}");
        var incident = new Incident { User = user, At = now, Reason = reason[..reason.IndexOf(':')], Evidence = evidence };
        await ContainAndNotifyAsync(incident, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Contains the account (unless it already is) and notifies once, in the background.</summary>
    public async ValueTask<bool> ContainAndNotifyAsync(Incident incident, CancellationToken cancellationToken)
    {
        if (!await _store.TryContainAsync(incident, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        _metrics.Contained();
        _logger.LogWarning("contained {User} (incident {Id}, {Reason}); answering {Action} until `spamtrace policy release`.\n{Evidence}",
            LogValue.Of(incident.User), incident.Id, incident.Reason, _config.Containment.Action.Text, incident.Evidence);
        _ = Task.Run(async () =>
        {
            try
            {
                if (await _notifier.NotifyAsync(incident, _config.Notify, CancellationToken.None).ConfigureAwait(false))
                {
                    await _store.MarkNotifiedAsync(incident.Id, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                _metrics.NotifyError();
                _logger.LogError("notifying incident {Id} failed: {Error}", incident.Id, ex.Message);
            }
        }, CancellationToken.None);
        return true;
    }

    /// <summary>
    /// Notifies incidents of the last day that were recorded but never notified (the service stopped, or every
    /// channel failed): each incident is notified once, even across restarts.
    /// </summary>
    public async Task RetryPendingNotificationsAsync(CancellationToken cancellationToken)
    {
        var since = _time.GetUtcNow().AddDays(-1);
        foreach (var incident in await _store.IncidentsAsync(100, cancellationToken).ConfigureAwait(false))
        {
            if (incident.Notified || incident.At < since)
            {
                continue;
            }
            try
            {
                if (await _notifier.NotifyAsync(incident, _config.Notify, cancellationToken).ConfigureAwait(false))
                {
                    await _store.MarkNotifiedAsync(incident.Id, cancellationToken).ConfigureAwait(false);
                    _logger.LogInformation("notified incident {Id} ({User}) that was pending", incident.Id, LogValue.Of(incident.User));
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _metrics.NotifyError();
                _logger.LogError("notifying pending incident {Id} failed: {Error}", incident.Id, ex.Message);
            }
        }
    }

    /// <summary>
    /// <see cref="RetryPendingNotificationsAsync"/> until the store answers: a store that is down at start (Redis not up
    /// yet) must not cost the incidents waiting to be notified. Waits <paramref name="firstDelay"/>, doubling up to
    /// <paramref name="maxDelay"/>, between attempts; logs the first failure and then every tenth.
    /// </summary>
    public async Task RetryPendingNotificationsUntilReadAsync(TimeSpan firstDelay, TimeSpan maxDelay, CancellationToken cancellationToken)
    {
        var delay = firstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RetryPendingNotificationsAsync(cancellationToken).ConfigureAwait(false);
                if (attempt > 1)
                {
                    _logger.LogInformation("pending incidents read after {Attempts} attempts", attempt);
                }
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                if (attempt % 10 == 1)
                {
                    _logger.LogError("reading pending incidents failed ({Error}); retrying every {Delay} s at most until the store answers",
                        ex.Message, (long)maxDelay.TotalSeconds);
                }
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, maxDelay.Ticks));
        }
    }

    private void Log(LogLevel level, PolicyRequest request, PolicyAction action, string why)
    {
        if (_logger.IsEnabled(level))
        {
            _logger.Log(level, "{Action} user={User} sender={Sender} client={Client} state={State} queue={Queue}: {Why}",
                action.Verb, LogValue.Of(request.SaslUsername), LogValue.Of(request.Sender, "<>"), LogValue.Of(request.ClientAddress), request.State, LogValue.Of(request.QueueId), LogValue.Of(why));
        }
    }
}
