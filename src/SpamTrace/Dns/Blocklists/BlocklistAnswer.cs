using System.Net;
using SpamTrace.Audit.Findings;

namespace SpamTrace.Dns.Blocklists;

/// <summary>What one answer address of a list means.</summary>
public sealed record BlocklistMeaning(bool IsError, bool IsListing, AuditSeverity Severity, string Meaning);

/// <summary>Reads a list's answer addresses: its table first, DNSWL's 127.0.X.Y scheme, then the rule for unknown codes.</summary>
public static class BlocklistAnswer
{
    private static readonly Dictionary<int, string> DnswlCategories = new()
    {
        [2] = "financial services",
        [3] = "email service providers",
        [4] = "organisations",
        [5] = "service/network providers",
        [6] = "personal/private servers",
        [7] = "travel/leisure",
        [8] = "public sector",
        [9] = "media and tech",
        [10] = "special cases",
        [11] = "education and academic",
        [12] = "healthcare",
        [13] = "manufacturing/industrial",
        [14] = "retail/wholesale/services",
        [15] = "email marketing providers",
        [20] = "added through Self Service",
    };

    private static readonly string[] DnswlTrust = ["none", "low", "medium", "high"];

    public static IReadOnlyList<BlocklistMeaning> Interpret(Blocklist list, IPAddress answer)
    {
        var text = answer.ToString();
        if (list.Codes.FirstOrDefault(c => c.Code == text) is { } exact)
        {
            return [new BlocklistMeaning(exact.IsError, !exact.IsError, exact.Severity, exact.Meaning)];
        }
        var b = answer.GetAddressBytes();
        if (b.Length != 4 || b[0] != 127)
        {
            return [new BlocklistMeaning(true, false, AuditSeverity.Low, $"answered {text}, which is not a list code (the resolver rewrites NXDOMAIN, or the list is gone)")];
        }
        if (list.Query == BlocklistQuery.Allow && b[1] == 0)
        {
            var category = DnswlCategories.TryGetValue(b[2], out var c) ? c : $"category {b[2]}";
            var trust = b[3] < DnswlTrust.Length ? DnswlTrust[b[3]] : $"trust {b[3]}";
            return [new BlocklistMeaning(false, true, AuditSeverity.Info, $"allowlisted: {category}, trust {trust}")];
        }
        var bits = list.Codes.Where(c => c.Bit is { } bit && (b[3] & bit) != 0).ToList();
        if (bits.Count > 0)
        {
            return bits.Select(x => new BlocklistMeaning(false, true, x.Severity, x.Meaning)).ToList();
        }
        return [new BlocklistMeaning(false, true, AuditSeverity.High, $"listed (code {text}, meaning not in the table)")];
    }
}
