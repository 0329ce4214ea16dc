using System.Globalization;

namespace SpamTrace.Policy.Limits;

/// <summary>"At most <see cref="Max"/> per <see cref="Length"/>", written "100/1h" in config.</summary>
public readonly record struct LimitWindow(long Max, TimeSpan Length)
{
    public long LengthMs => (long)Length.TotalMilliseconds;

    public static bool TryParse(string text, out LimitWindow window)
    {
        window = default;
        var slash = text.IndexOf('/');
        if (slash <= 0 || !long.TryParse(text.AsSpan(0, slash).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var max) || max < 0)
        {
            return false;
        }
        if (!Duration.TryParse(text[(slash + 1)..], out var length))
        {
            return false;
        }
        window = new LimitWindow(max, length);
        return true;
    }

    public override string ToString() => $"{Max}/{Duration.Format(Length)}";
}
