using System.Globalization;

namespace SpamTrace.Cli;

/// <summary>Parses --since/--until: an ISO date or time ("2024-03-23", "2024-03-23 05:00", "2024-03-23T05:00:00+01:00") or an age ("90m", "1.5h", "2d") before now.</summary>
public static class TimeArguments
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss",
    ];

    public static DateTime? Parse(string? text, string option, DateTime nowUtc)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var t = text.Trim();
        if (t.Length >= 2 && char.IsAsciiDigit(t[0]) && t[^1] is 'm' or 'h' or 'd' or 'w'
            && double.TryParse(t.AsSpan(0, t.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n))
        {
            var span = t[^1] switch
            {
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => TimeSpan.FromDays(7 * n),
            };
            return nowUtc - span;
        }
        // Log timestamps without a zone are kept as written, so a zone-less argument is compared as written too.
        if (DateTime.TryParseExact(t, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return DateTime.SpecifyKind(local, DateTimeKind.Utc);
        }
        if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.None, out var zoned))
        {
            return zoned.UtcDateTime;
        }
        throw new UserFacingException($"{option}: cannot read '{t}' as a time (use 2024-03-23, '2024-03-23 05:00', an ISO time with zone, or an age like 6h or 2d)");
    }
}
