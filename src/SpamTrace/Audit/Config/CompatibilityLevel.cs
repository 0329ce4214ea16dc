namespace SpamTrace.Audit.Config;

/// <summary>Compatibility levels compare as dotted numbers ("3.6" &gt; "2", "3.10" &gt; "3.9"); "0" is the oldest.</summary>
public static class CompatibilityLevel
{
    public static int Compare(string a, string b)
    {
        var x = Parts(a);
        var y = Parts(b);
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var p = i < x.Length ? x[i] : 0;
            var q = i < y.Length ? y[i] : 0;
            if (p != q) { return p.CompareTo(q); }
        }
        return 0;
    }

    private static int[] Parts(string level) =>
        level.Trim().Split('.').Select(p => int.TryParse(p, out var n) ? n : 0).ToArray();
}
