using System.Globalization;

namespace SpamTrace.Policy.Limits;

/// <summary>Durations in config: a number and a unit, s, m, h or d ("90s", "1h", "7d").</summary>
public static class Duration
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        if (text.Length < 2)
        {
            return false;
        }
        if (!long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > 100_000)
        {
            return false;
        }
        duration = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return duration > TimeSpan.Zero && duration <= TimeSpan.FromDays(366);
    }

    public static string Format(TimeSpan d) =>
        d.TotalDays >= 1 && d.TotalDays == Math.Floor(d.TotalDays) ? $"{d.TotalDays:0}d"
        : d.TotalHours >= 1 && d.TotalHours == Math.Floor(d.TotalHours) ? $"{d.TotalHours:0}h"
        : d.TotalMinutes >= 1 && d.TotalMinutes == Math.Floor(d.TotalMinutes) ? $"{d.TotalMinutes:0}m"
        : $"{d.TotalSeconds:0}s";
}
