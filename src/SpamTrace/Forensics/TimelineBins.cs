namespace SpamTrace.Forensics;

/// <summary>Chooses a bin width that gives a readable timeline (about 60 bins) for any log span.</summary>
public static class TimelineBins
{
    private static readonly int[] NiceMinutes = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];

    public static (DateTime Start, TimeSpan Width, int Count) For(DateTime firstUtc, DateTime lastUtc, int target = 60)
    {
        var start = new DateTime(firstUtc.Ticks - (firstUtc.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
        var spanMinutes = Math.Max(1, (lastUtc - start).TotalMinutes);
        var width = NiceMinutes.FirstOrDefault(m => spanMinutes / m <= target, (int)Math.Ceiling(spanMinutes / target));
        var count = Math.Max(1, (int)Math.Ceiling((spanMinutes + 1) / width));
        return (start, TimeSpan.FromMinutes(width), count);
    }
}
