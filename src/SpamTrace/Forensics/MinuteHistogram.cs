namespace SpamTrace.Forensics;

/// <summary>
/// Counts per minute, sparse: only minutes with activity take memory, so an origin sending twice a day costs two
/// entries and a flood at most one per minute of the log. Re-binned at the end to whatever resolution fits the window.
/// </summary>
public sealed class MinuteHistogram
{
    private readonly Dictionary<long, int> _minutes = [];

    public long Total { get; private set; }

    public void Add(DateTime utc, int n = 1)
    {
        // One lookup, not a read and a write: this runs for every outbound message.
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_minutes, utc.Ticks / TimeSpan.TicksPerMinute, out _) += n;
        Total += n;
    }

    public void AddAll(MinuteHistogram other)
    {
        foreach (var (m, n) in other._minutes)
        {
            _minutes[m] = _minutes.GetValueOrDefault(m) + n;
        }
        Total += other.Total;
    }

    /// <summary>Counts in <paramref name="bins"/> bins of <paramref name="binWidth"/> starting at <paramref name="startUtc"/>.</summary>
    public long[] Bin(DateTime startUtc, TimeSpan binWidth, int bins)
    {
        var result = new long[bins];
        var start = startUtc.Ticks / TimeSpan.TicksPerMinute;
        var width = Math.Max(1, binWidth.Ticks / TimeSpan.TicksPerMinute);
        foreach (var (m, n) in _minutes)
        {
            var i = (m - start) / width;
            if (i >= 0 && i < bins)
            {
                result[i] += n;
            }
            else if (i >= bins)
            {
                result[bins - 1] += n;
            }
            else
            {
                result[0] += n;
            }
        }
        return result;
    }

    /// <summary>The first minute with activity at or after <paramref name="fromUtc"/>.</summary>
    public DateTime? FirstAtOrAfter(DateTime fromUtc)
    {
        var from = fromUtc.Ticks / TimeSpan.TicksPerMinute;
        long? best = null;
        foreach (var m in _minutes.Keys)
        {
            if (m >= from && (best is null || m < best))
            {
                best = m;
            }
        }
        return best is { } b ? new DateTime(b * TimeSpan.TicksPerMinute, DateTimeKind.Utc) : null;
    }
}
