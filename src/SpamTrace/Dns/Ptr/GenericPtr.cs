using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace SpamTrace.Dns.Ptr;

/// <summary>
/// Whether a PTR name looks like an access provider's generic name for a pool address (the address's numbers
/// in it, or dynamic/dsl/pool-style words): receivers score such senders as infected home machines.
/// </summary>
public static partial class GenericPtr
{
    [GeneratedRegex(@"(^|[.\-_\d])(dyn|dynamic|dhcp|pool|dsl|adsl|vdsl|xdsl|cable|ppp|pppoe|dialup|dial-up|broadband|residential|customer|cust|client|unassigned|nat)([.\-_\d]|$)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PoolWords();

    /// <summary>The reason <paramref name="name"/> looks generic for <paramref name="ip"/>, or null.</summary>
    public static string? Reason(string name, IPAddress ip)
    {
        var lower = name.ToLowerInvariant();
        if (PoolWords().Match(lower) is { Success: true } m)
        {
            return $"the name contains '{m.Groups[2].Value}'";
        }
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = ip.GetAddressBytes();
            var numbers = Regex.Matches(lower, @"\d+").Select(x => x.Value).ToList();
            var forward = $"{b[0]}.{b[1]}.{b[2]}.{b[3]}";
            var reverse = $"{b[3]}.{b[2]}.{b[1]}.{b[0]}";
            var joined = string.Join('.', numbers);
            if (joined.Contains(forward, StringComparison.Ordinal) || joined.Contains(reverse, StringComparison.Ordinal)
                || lower.Contains(Convert.ToHexString(b).ToLowerInvariant(), StringComparison.Ordinal))
            {
                return "the name contains the address";
            }
        }
        return null;
    }
}
