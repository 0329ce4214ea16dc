using System.Globalization;

namespace SpamTrace.Logs.Reading;

/// <summary>
/// A log file name split into its family (the live file's name) and its place in the rotation:
/// <c>mail.log</c> (live), <c>mail.log.1</c>, <c>mail.log.2.gz</c> (numbered: higher is older),
/// <c>maillog-20140323</c>, <c>maillog-20140323.gz</c>, <c>maillog-2014-03-23</c> (logrotate dateext: the date orders them).
/// </summary>
internal readonly record struct RotatedName(string Family, RotationKind Kind, long Rank)
{
    private static readonly string[] CompressionSuffixes = [".gz", ".bz2", ".xz", ".zst", ".zstd"];

    public static RotatedName Parse(string fileName)
    {
        var name = fileName;
        foreach (var suffix in CompressionSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && name.Length > suffix.Length)
            {
                name = name[..^suffix.Length];
                break;
            }
        }

        // Numbered: "mail.log.1" (logrotate without dateext, savelog).
        var dot = name.LastIndexOf('.');
        if (dot > 0 && IsDigits(name.AsSpan(dot + 1), 1, 4))
        {
            return new RotatedName(name[..dot], RotationKind.Numbered, long.Parse(name.AsSpan(dot + 1), CultureInfo.InvariantCulture));
        }

        // Dated: "maillog-20140323", "maillog-2014032305" (hourly), "maillog-2014-03-23", "mail.log.20140323".
        if (name.Length > 11 && name[^11] is '-' or '.' or '_' && IsIsoDate(name.AsSpan(name.Length - 10)))
        {
            var digits = name.Substring(name.Length - 10, 4) + name.Substring(name.Length - 5, 2) + name.Substring(name.Length - 2, 2);
            return new RotatedName(name[..^11], RotationKind.Dated, long.Parse(digits, CultureInfo.InvariantCulture) * 100);
        }
        foreach (var width in (ReadOnlySpan<int>)[10, 8])
        {
            if (name.Length > width + 1 && name[^(width + 1)] is '-' or '.' or '_' && IsDigits(name.AsSpan(name.Length - width), width, width))
            {
                var value = long.Parse(name.AsSpan(name.Length - width), CultureInfo.InvariantCulture);
                return new RotatedName(name[..^(width + 1)], RotationKind.Dated, width == 8 ? value * 100 : value);
            }
        }
        return new RotatedName(name, RotationKind.Live, 0);
    }

    /// <summary>Oldest first: dated files by date, then numbered ones from the highest number down, the live file last.</summary>
    public static int CompareChronologically(RotatedName a, RotatedName b)
    {
        if (a.Kind != b.Kind)
        {
            return a.Kind.CompareTo(b.Kind);
        }
        return a.Kind == RotationKind.Numbered ? b.Rank.CompareTo(a.Rank) : a.Rank.CompareTo(b.Rank);
    }

    private static bool IsDigits(ReadOnlySpan<char> s, int min, int max)
    {
        if (s.Length < min || s.Length > max)
        {
            return false;
        }
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsIsoDate(ReadOnlySpan<char> s) =>
        s.Length == 10 && s[4] == '-' && s[7] == '-' && IsDigits(s[..4], 4, 4) && IsDigits(s.Slice(5, 2), 2, 2) && IsDigits(s[8..], 2, 2);
}

/// <summary>Declared in chronological order: dated archives, then numbered ones, then the live file.</summary>
internal enum RotationKind
{
    Dated,
    Numbered,
    Live,
}
