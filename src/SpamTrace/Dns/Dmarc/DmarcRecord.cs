using System.Globalization;

namespace SpamTrace.Dns.Dmarc;

/// <summary>A DMARC record (RFC 7489 6.3): the tags that matter for delivery, or the first syntax error.</summary>
public sealed record DmarcRecord(string Policy, string? SubdomainPolicy, bool StrictDkim, bool StrictSpf, int Percent,
    IReadOnlyList<string> AggregateReports, IReadOnlyList<string> FailureReports, string? Error)
{
    public static bool IsDmarcRecord(string text) => text.TrimStart().StartsWith("v=DMARC1", StringComparison.Ordinal)
        && (text.Trim().Length == 8 || text.TrimStart()[8] is ';' or ' ' or '\t');

    public static DmarcRecord Parse(string text)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var parts = text.Split(';');
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (part.Length == 0)
            {
                continue;
            }
            var eq = part.IndexOf('=');
            if (eq <= 0)
            {
                return Invalid($"'{part}' is not tag=value");
            }
            var name = part[..eq].Trim();
            if (i == 0 && name != "v")
            {
                return Invalid("v=DMARC1 must come first");
            }
            if (!tags.TryAdd(name, part[(eq + 1)..].Trim()))
            {
                return Invalid($"tag {name} given twice");
            }
        }
        if (Tag(tags, "v") != "DMARC1")
        {
            return Invalid("v= must be DMARC1");
        }
        if (Tag(tags, "p") is not { } p)
        {
            return Invalid("no p= tag (none, quarantine or reject): receivers ignore the record");
        }
        if (!IsPolicy(p))
        {
            return Invalid($"p={p} (must be none, quarantine or reject)");
        }
        var sp = Tag(tags, "sp");
        if (sp is not null && !IsPolicy(sp))
        {
            return Invalid($"sp={sp} (must be none, quarantine or reject)");
        }
        foreach (var alignment in new[] { "adkim", "aspf" })
        {
            if (Tag(tags, alignment) is { } a && a is not ("r" or "s"))
            {
                return Invalid($"{alignment}={a} (must be r or s)");
            }
        }
        var percent = 100;
        if (Tag(tags, "pct") is { } pct && (!int.TryParse(pct, NumberStyles.None, CultureInfo.InvariantCulture, out percent) || percent > 100))
        {
            return Invalid($"pct={pct} (must be 0-100)");
        }
        var rua = Uris(Tag(tags, "rua"));
        var ruf = Uris(Tag(tags, "ruf"));
        if (rua.Concat(ruf).FirstOrDefault(u => !u.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || !u.Contains('@')) is { } bad)
        {
            return Invalid($"report address '{bad}' is not mailto:user@domain");
        }
        return new DmarcRecord(p.ToLowerInvariant(), sp?.ToLowerInvariant(), Tag(tags, "adkim") == "s", Tag(tags, "aspf") == "s", percent, rua, ruf, null);

        static string? Tag(Dictionary<string, string> tags, string name) => tags.TryGetValue(name, out var v) ? v : null;
    }

    /// <summary>The domain a mailto: report URI delivers to (without a size suffix like !10m).</summary>
    public static string ReportDomain(string uri)
    {
        var address = uri[(uri.IndexOf(':') + 1)..];
        var bang = address.IndexOf('!');
        if (bang >= 0)
        {
            address = address[..bang];
        }
        return address[(address.LastIndexOf('@') + 1)..].Trim().ToLowerInvariant();
    }

    private static bool IsPolicy(string value) => value.ToLowerInvariant() is "none" or "quarantine" or "reject";

    private static List<string> Uris(string? value) =>
        value is null ? [] : value.Split(',').Select(u => u.Trim()).Where(u => u.Length > 0).ToList();

    private static DmarcRecord Invalid(string error) => new("none", null, false, false, 100, [], [], error);
}
