using System.Text.RegularExpressions;

namespace SpamTrace.Bounces.Original;

/// <summary>Reads one Received header into its hop: who handed the message over, who took it, how, and the queue ID.</summary>
public static partial class ReceivedParser
{
    public static ReceivedHop Parse(string value)
    {
        var text = Regex.Replace(value, @"\s+", " ").Trim();
        var fromPart = FromSection().Match(text);
        string? fromHost = null, fromIp = null;
        if (fromPart.Success)
        {
            fromHost = fromPart.Groups["host"].Value;
            var ip = Bracketed().Match(fromPart.Groups["rest"].Value);
            if (ip.Success)
            {
                fromIp = ip.Groups[1].Value.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase) ? ip.Groups[1].Value[5..] : ip.Groups[1].Value;
            }
            else if (System.Net.IPAddress.TryParse(fromHost.Trim('[', ']'), out _))
            {
                fromIp = fromHost.Trim('[', ']');
            }
        }
        var by = By().Match(text);
        var with = With().Match(text);
        var id = Id().Match(text);
        var auth = AuthenticatedSender().Match(text);
        var uid = FromUserid().Match(text);
        return new ReceivedHop(
            fromHost,
            fromIp,
            by.Success ? by.Groups[1].Value.TrimEnd(';', ',').ToLowerInvariant() : null,
            with.Success ? with.Groups[1].Value.TrimEnd(';', ',') : null,
            id.Success ? id.Groups[1].Value : null,
            auth.Success ? auth.Groups[1].Value.Trim() : null,
            uid.Success ? uid.Groups[1].Value : null,
            text);
    }

    [GeneratedRegex(@"^from (?<host>\S+)(?<rest>.*?)(?= by |$)", RegexOptions.IgnoreCase)]
    private static partial Regex FromSection();

    [GeneratedRegex(@"\[((?:IPv6:)?[0-9A-Fa-f:.]+)\]")]
    private static partial Regex Bracketed();

    [GeneratedRegex(@"(?:^| )by (\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex By();

    [GeneratedRegex(@" with (\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex With();

    [GeneratedRegex(@" id ([A-Za-z0-9]{6,})[; ]", RegexOptions.IgnoreCase)]
    private static partial Regex Id();

    [GeneratedRegex(@"\(Authenticated sender: ([^)]+)\)", RegexOptions.IgnoreCase)]
    private static partial Regex AuthenticatedSender();

    [GeneratedRegex(@"\(Postfix, from userid (\d+)\)", RegexOptions.IgnoreCase)]
    private static partial Regex FromUserid();
}
