using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace SpamTrace.Policy.Metrics;

/// <summary>Counters and a latency histogram, lock-free on the request path, rendered in Prometheus text format.</summary>
public sealed class PolicyMetrics
{
    private static readonly double[] BucketSeconds = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];

    private readonly ConcurrentDictionary<string, StrongBox<long>> _decisions = new(StringComparer.Ordinal);
    private readonly long[] _buckets = new long[BucketSeconds.Length + 1];
    private long _latencyTicksSum;
    private long _latencyCount;
    private long _storeErrors;
    private long _protocolErrors;
    private long _connections;
    private long _connectionsTotal;
    private long _containments;
    private long _notifyErrors;
    private long _unknownAttributes;
    private long _repeatedAttributes;

    private sealed class StrongBox<T>(T value)
    {
        public T Value = value;
    }

    public long StoreErrors => Interlocked.Read(ref _storeErrors);
    public long ProtocolErrors => Interlocked.Read(ref _protocolErrors);
    public long OpenConnections => Interlocked.Read(ref _connections);
    public long Containments => Interlocked.Read(ref _containments);

    /// <summary>Further sections of the endpoint, rendered after these counters (greylisting adds its own).</summary>
    public List<Func<string>> Sections { get; } = [];

    public long Decisions(string verb) => _decisions.TryGetValue(verb, out var box) ? Interlocked.Read(ref box.Value) : 0;

    public void Decision(string verb, long elapsedTicks)
    {
        var box = _decisions.GetOrAdd(verb, static _ => new StrongBox<long>(0));
        Interlocked.Increment(ref box.Value);
        var seconds = elapsedTicks / (double)System.Diagnostics.Stopwatch.Frequency;
        var bucket = 0;
        while (bucket < BucketSeconds.Length && seconds > BucketSeconds[bucket])
        {
            bucket++;
        }
        Interlocked.Increment(ref _buckets[bucket]);
        Interlocked.Add(ref _latencyTicksSum, elapsedTicks);
        Interlocked.Increment(ref _latencyCount);
    }

    public void StoreError() => Interlocked.Increment(ref _storeErrors);
    public void ProtocolError() => Interlocked.Increment(ref _protocolErrors);
    public void Contained() => Interlocked.Increment(ref _containments);
    public void NotifyError() => Interlocked.Increment(ref _notifyErrors);

    public void Attributes(int unknown, int repeated)
    {
        if (unknown > 0)
        {
            Interlocked.Add(ref _unknownAttributes, unknown);
        }
        if (repeated > 0)
        {
            Interlocked.Add(ref _repeatedAttributes, repeated);
        }
    }

    public void ConnectionOpened()
    {
        Interlocked.Increment(ref _connections);
        Interlocked.Increment(ref _connectionsTotal);
    }

    public void ConnectionClosed() => Interlocked.Decrement(ref _connections);

    public string Render()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine("# HELP spamtrace_policy_decisions_total Policy replies by action verb.");
        s.AppendLine("# TYPE spamtrace_policy_decisions_total counter");
        foreach (var (verb, box) in _decisions.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            s.Append(c, $"spamtrace_policy_decisions_total{{action=\"{verb}\"}} {Interlocked.Read(ref box.Value)}\n");
        }
        s.AppendLine("# HELP spamtrace_policy_decision_seconds Time from a complete request to its decision.");
        s.AppendLine("# TYPE spamtrace_policy_decision_seconds histogram");
        long cumulative = 0;
        for (var i = 0; i < BucketSeconds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _buckets[i]);
            s.Append(c, $"spamtrace_policy_decision_seconds_bucket{{le=\"{BucketSeconds[i]}\"}} {cumulative}\n");
        }
        cumulative += Interlocked.Read(ref _buckets[^1]);
        s.Append(c, $"spamtrace_policy_decision_seconds_bucket{{le=\"+Inf\"}} {cumulative}\n");
        s.Append(c, $"spamtrace_policy_decision_seconds_sum {Interlocked.Read(ref _latencyTicksSum) / (double)System.Diagnostics.Stopwatch.Frequency}\n");
        s.Append(c, $"spamtrace_policy_decision_seconds_count {Interlocked.Read(ref _latencyCount)}\n");
        Counter(s, "spamtrace_policy_store_errors_total", "Store calls that failed or timed out (answered with store.onError).", _storeErrors);
        Counter(s, "spamtrace_policy_protocol_errors_total", "Connections closed for a protocol error.", _protocolErrors);
        Counter(s, "spamtrace_policy_containments_total", "Accounts contained by this instance.", _containments);
        Counter(s, "spamtrace_policy_notify_errors_total", "Incident notifications that failed.", _notifyErrors);
        Counter(s, "spamtrace_policy_unknown_attributes_total", "Request attributes no Postfix version sends (ignored).", _unknownAttributes);
        Counter(s, "spamtrace_policy_repeated_attributes_total", "Attributes repeated within one request (last value wins).", _repeatedAttributes);
        Counter(s, "spamtrace_policy_connections_total", "Connections accepted.", _connectionsTotal);
        s.AppendLine("# HELP spamtrace_policy_connections Open policy connections.");
        s.AppendLine("# TYPE spamtrace_policy_connections gauge");
        s.Append(c, $"spamtrace_policy_connections {Interlocked.Read(ref _connections)}\n");
        foreach (var section in Sections)
        {
            s.Append(section());
        }
        return s.ToString();
    }

    private static void Counter(StringBuilder s, string name, string help, long value)
    {
        s.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
    }
}
