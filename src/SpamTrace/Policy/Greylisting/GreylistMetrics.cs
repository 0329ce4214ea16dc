using System.Globalization;
using System.Text;

namespace SpamTrace.Policy.Greylisting;

/// <summary>Greylisting counters, lock-free, rendered as a section of the service's Prometheus endpoint.</summary>
public sealed class GreylistMetrics
{
    private long _greylisted;
    private long _wouldGreylist;
    private long _passedAfterRetry;
    private long _passed;
    private long _autoWhitelistedPasses;
    private long _newlyAutoWhitelisted;
    private long _whitelistedClient;
    private long _whitelistedRecipient;
    private long _skippedAuthenticated;
    private long _skippedMynetworks;
    private long _skippedExempt;
    private long _expired;
    private long _pooled;
    private long _storeErrors;

    public long Greylisted => Interlocked.Read(ref _greylisted);
    public long WouldGreylist => Interlocked.Read(ref _wouldGreylist);
    public long PassedAfterRetry => Interlocked.Read(ref _passedAfterRetry);
    public long Passed => Interlocked.Read(ref _passed);
    public long AutoWhitelistedPasses => Interlocked.Read(ref _autoWhitelistedPasses);
    public long NewlyAutoWhitelisted => Interlocked.Read(ref _newlyAutoWhitelisted);
    public long Whitelisted => Interlocked.Read(ref _whitelistedClient) + Interlocked.Read(ref _whitelistedRecipient);
    public long Skipped => Interlocked.Read(ref _skippedAuthenticated) + Interlocked.Read(ref _skippedMynetworks) + Interlocked.Read(ref _skippedExempt);
    public long Expired => Interlocked.Read(ref _expired);
    public long Pooled => Interlocked.Read(ref _pooled);
    public long StoreErrors => Interlocked.Read(ref _storeErrors);

    internal void Outcome(in GreylistOutcome outcome, bool training)
    {
        switch (outcome.Result)
        {
            case GreylistResult.Greylisted:
                if (training)
                {
                    Interlocked.Increment(ref _wouldGreylist);
                }
                else
                {
                    Interlocked.Increment(ref _greylisted);
                }
                break;
            case GreylistResult.PassedAfterRetry:
                Interlocked.Increment(ref _passedAfterRetry);
                break;
            case GreylistResult.Passed:
                Interlocked.Increment(ref _passed);
                break;
            case GreylistResult.AutoWhitelisted:
                Interlocked.Increment(ref _autoWhitelistedPasses);
                break;
        }
        if (outcome.NewlyAutoWhitelisted)
        {
            Interlocked.Increment(ref _newlyAutoWhitelisted);
        }
        if (outcome.Expired)
        {
            Interlocked.Increment(ref _expired);
        }
    }

    internal void WhitelistedClient() => Interlocked.Increment(ref _whitelistedClient);
    internal void WhitelistedRecipient() => Interlocked.Increment(ref _whitelistedRecipient);
    internal void SkippedAuthenticated() => Interlocked.Increment(ref _skippedAuthenticated);
    internal void SkippedMynetworks() => Interlocked.Increment(ref _skippedMynetworks);
    internal void SkippedExempt() => Interlocked.Increment(ref _skippedExempt);
    internal void PoolUsed() => Interlocked.Increment(ref _pooled);
    internal void StoreError() => Interlocked.Increment(ref _storeErrors);

    /// <summary>Triplets the store's sweep removed without a successful retry (embedded store).</summary>
    internal void ExpiredBySweep(long count) => Interlocked.Add(ref _expired, count);

    public string Render()
    {
        var s = new StringBuilder();
        s.Append("# HELP spamtrace_greylist_decisions_total Greylisting decisions by result.\n# TYPE spamtrace_greylist_decisions_total counter\n");
        Line(s, "greylisted", _greylisted);
        Line(s, "would_greylist", _wouldGreylist);
        Line(s, "passed_after_retry", _passedAfterRetry);
        Line(s, "passed", _passed);
        Line(s, "auto_whitelisted", _autoWhitelistedPasses);
        Line(s, "whitelisted_client", _whitelistedClient);
        Line(s, "whitelisted_recipient", _whitelistedRecipient);
        Line(s, "skipped_authenticated", _skippedAuthenticated);
        Line(s, "skipped_mynetworks", _skippedMynetworks);
        Line(s, "skipped_exempt", _skippedExempt);
        Counter(s, "spamtrace_greylist_clients_auto_whitelisted_total", "Clients that reached the auto-whitelist count.", _newlyAutoWhitelisted);
        Counter(s, "spamtrace_greylist_expired_total", "Triplets forgotten before a successful retry (or unseen for max age) when next looked up.", _expired);
        Counter(s, "spamtrace_greylist_pooled_total", "Decisions keyed by an SPF pool instead of the client network.", _pooled);
        Counter(s, "spamtrace_greylist_store_errors_total", "Greylisting lookups that failed or timed out (answered DUNNO).", _storeErrors);
        return s.ToString();
    }

    private static void Line(StringBuilder s, string result, long value) =>
        s.Append(CultureInfo.InvariantCulture, $"spamtrace_greylist_decisions_total{{result=\"{result}\"}} {value}\n");

    private static void Counter(StringBuilder s, string name, string help, long value) =>
        s.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
}
