using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using SpamTrace.Policy.Greylisting.Pools;
using SpamTrace.Policy.Greylisting.Store;
using SpamTrace.Policy.Limits;
using SpamTrace.Policy.Protocol;

namespace SpamTrace.Policy.Greylisting;

/// <summary>
/// Greylisting at RCPT, after the limits let a recipient through: skips (SASL, mynetworks, exemptions), postgrey's
/// whitelists, the triplet (client network or SPF pool, normalised sender, recipient), the store's timers, and the
/// answer. Thread-safe; reads the greylist section of whatever config the engine holds, so SIGHUP applies at once.
/// </summary>
public sealed class Greylister
{
    private readonly IGreylistStore _store;
    private volatile IGreylistPoolResolver? _pools;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private long _lastStoreErrorLog;

    public Greylister(IGreylistStore store, IGreylistPoolResolver? pools, ILogger logger, TimeProvider? time = null)
    {
        _store = store;
        _pools = pools;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    public IGreylistStore Store => _store;

    /// <summary>The SPF pool resolver; replaced on SIGHUP when the DNS server setting changes.</summary>
    public IGreylistPoolResolver? Pools
    {
        get => _pools;
        set => _pools = value;
    }

    public GreylistMetrics Metrics { get; } = new();

    public SlowPools SlowPools { get; } = new();

    public TimeProvider Time => _time;

    /// <summary>DUNNO, or the deferral; never fails (a store or DNS problem lets the mail through).</summary>
    public async ValueTask<PolicyAction> DecideAsync(PolicyRequest request, PolicyConfig config, CancellationToken cancellationToken)
    {
        var g = config.Greylist;
        if (!g.Enabled || request.State != ProtocolState.Rcpt || !request.IsAccessPolicy)
        {
            return PolicyAction.Dunno;
        }
        if (request.HasUser)
        {
            Metrics.SkippedAuthenticated();
            return PolicyAction.Dunno;
        }
        if (request.ClientAddress is not { } clientText || !IPAddress.TryParse(clientText, out var client))
        {
            return PolicyAction.Dunno;
        }
        if (g.MyNetworks.Contains(client))
        {
            Metrics.SkippedMynetworks();
            return PolicyAction.Dunno;
        }
        if (config.Exempt.Matches(null, request.Sender, clientText))
        {
            Metrics.SkippedExempt();
            return PolicyAction.Dunno;
        }
        if (g.Clients.Match(request.ClientName, client) is { } clientEntry)
        {
            Metrics.WhitelistedClient();
            LogPass(g, request, "client whitelist", clientEntry);
            return PolicyAction.Dunno;
        }
        if (g.Recipients.Match(request.Recipient) is { } recipientEntry)
        {
            Metrics.WhitelistedRecipient();
            LogPass(g, request, "recipient whitelist", recipientEntry);
            return PolicyAction.Dunno;
        }

        var sender = SenderNormaliser.Normalise(request.Sender, g.FoldSrs);
        var recipient = request.Recipient ?? "";
        var network = KeyValues.Network(clientText, g.PrefixV4, g.PrefixV6)!;
        var subnetKey = $"{network}/{sender}/{recipient}".ToLowerInvariant();
        var query = new GreylistQuery { Key = subnetKey, ClientAddress = clientText, Now = _time.GetUtcNow().ToUnixTimeSeconds(), Settings = g.Settings };
        string? pool = null;
        if (g.SpfPools && _pools is { } pools && KeyValues.Domain(request.Sender) is { } senderDomain)
        {
            pool = await pools.PoolAsync(senderDomain, client, g.SpfTimeout, cancellationToken).ConfigureAwait(false);
            if (pool is not null)
            {
                query.Key = $"spf:{pool}/{sender}/{recipient}".ToLowerInvariant();
                query.AlternateKey = subnetKey;
                Metrics.PoolUsed();
            }
        }

        GreylistOutcome outcome;
        try
        {
            var pending = _store.CheckAsync(query, cancellationToken);
            outcome = pending.IsCompletedSuccessfully
                ? pending.Result
                : await pending.AsTask().WaitAsync(config.Store.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Metrics.StoreError();
            var last = Interlocked.Read(ref _lastStoreErrorLog);
            var nowMs = Environment.TickCount64;
            if (nowMs - last > 10_000 && Interlocked.CompareExchange(ref _lastStoreErrorLog, nowMs, last) == last)
            {
                _logger.LogError("greylist store unavailable ({Error}); letting mail through without greylisting until it returns",
                    ex is TimeoutException ? $"no answer within {config.Store.Timeout.TotalMilliseconds} ms" : ex.Message);
            }
            return PolicyAction.Dunno;
        }

        var training = g.Mode == GreylistMode.Training;
        Metrics.Outcome(outcome, training);
        var age = query.Now - outcome.FirstSeen;
        if (outcome.Result == GreylistResult.PassedAfterRetry)
        {
            SlowPools.Passed(KeyValues.Domain(request.Sender) ?? "<>", age, pool is not null);
        }
        Log(g, request, outcome, outcome.UsedAlternate ? query.AlternateKey! : query.Key, age, training);
        if (outcome.Result != GreylistResult.Greylisted || training)
        {
            return PolicyAction.Dunno;
        }
        return Deferral(g, outcome.RetryIn, KeyValues.Domain(recipient) ?? "");
    }

    /// <summary>"DEFER_IF_PERMIT 4.7.1 Greylisted, retry in N seconds", as postgrey builds it (%s seconds, %r domain).</summary>
    internal static PolicyAction Deferral(GreylistConfig g, long retryIn, string recipientDomain)
    {
        var safeDomain = new string(recipientDomain.Where(c => !char.IsControl(c)).ToArray());
        var text = g.Text.Replace("%s", retryIn.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%r", safeDomain, StringComparison.Ordinal);
        if (!char.IsAsciiDigit(text[0]))
        {
            text = "4.7.1 " + text;
        }
        var action = PolicyAction.Parse($"{g.Action} {text}", "", out var error);
        return error is null ? action : PolicyAction.Parse($"{g.Action} 4.7.1 Greylisted", "", out _);
    }

    private void Log(GreylistConfig g, PolicyRequest request, in GreylistOutcome outcome, string key, long age, bool training)
    {
        var change = outcome.Result is GreylistResult.Greylisted or GreylistResult.PassedAfterRetry || outcome.NewlyAutoWhitelisted;
        if (!(change || g.LogPasses) || !_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }
        var result = outcome.Result switch
        {
            GreylistResult.Greylisted => training ? "would-greylist" : "greylisted",
            GreylistResult.PassedAfterRetry => "passed-after-retry",
            GreylistResult.Passed => "passed",
            _ => "auto-whitelisted",
        };
        var detail = outcome.Result switch
        {
            GreylistResult.Greylisted => age == 0 && !outcome.Expired ? $"new, retry in {outcome.RetryIn}s" : $"early retry, {outcome.RetryIn}s missing{(outcome.Expired ? ", previous attempt expired" : "")}",
            GreylistResult.PassedAfterRetry => $"delayed {age}s",
            GreylistResult.Passed => "triplet passed before",
            _ => $"{outcome.ClientCount} successful retries",
        };
        if (outcome.NewlyAutoWhitelisted)
        {
            detail += "; client now auto-whitelisted";
        }
        _logger.LogInformation("greylist {Result} client={Client} ({Name}) sender={Sender} recipient={Recipient} triplet={Triplet} age={Age}s queue={Queue}: {Detail}",
            result, LogValue.Of(request.ClientAddress), LogValue.Of(request.ClientName, "unknown"), LogValue.Of(request.Sender, "<>"), LogValue.Of(request.Recipient),
            LogValue.Of(key), age, LogValue.Of(request.QueueId), detail);
    }

    private void LogPass(GreylistConfig g, PolicyRequest request, string reason, string entry)
    {
        if (g.LogPasses && _logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation("greylist whitelisted client={Client} ({Name}) sender={Sender} recipient={Recipient}: {Reason} {Entry}",
                LogValue.Of(request.ClientAddress), LogValue.Of(request.ClientName, "unknown"), LogValue.Of(request.Sender, "<>"), LogValue.Of(request.Recipient), reason, LogValue.Of(entry));
        }
    }
}
