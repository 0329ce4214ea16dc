using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;

namespace SpamTrace.Dns.Discovery;

/// <summary>
/// From a mail log: the address receivers say this server connects from (Yahoo's "Messages from IP", Microsoft's
/// "[IP]", Gmail's "[IP  15]" in refusals), and the sender domains of mail submitted by SASL users or locally.
/// </summary>
public static partial class LogDiscovery
{
    private const int MaxQueueIds = 100_000;

    [GeneratedRegex(@"postfix(?:-[\w-]+)?/(?:[\w-]+/)?smtp\[\d+\]: .*?(?: said: | refused to talk to me: )(?<reply>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex Refusal();

    [GeneratedRegex(@"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])|\[([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})[\] ]", RegexOptions.CultureInvariant)]
    private static partial Regex Address();

    [GeneratedRegex(@"postfix(?:-[\w-]+)?/(?:[\w-]+/)?(?:smtpd|pickup)\[\d+\]: (?<qid>[0-9A-Za-z]+): (?:.*sasl_username=|uid=)", RegexOptions.CultureInvariant)]
    private static partial Regex Submission();

    [GeneratedRegex(@"postfix(?:-[\w-]+)?/qmgr\[\d+\]: (?<qid>[0-9A-Za-z]+): from=<[^@>]*@(?<domain>[^>]+)>", RegexOptions.CultureInvariant)]
    private static partial Regex QueuedFrom();

    public static void Discover(string path, DnsTargets targets, int maxDomains = 10)
    {
        var quoted = new Dictionary<IPAddress, int>();
        var senders = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var submitted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Lines(path))
        {
            if (Refusal().Match(line) is { Success: true } refusal)
            {
                foreach (Match m in Address().Matches(refusal.Groups["reply"].Value))
                {
                    var text = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
                    if (Resolving.DomainNames.TryParseAddress(text, out var ip) && DnsTargets.IsPublic(ip))
                    {
                        quoted[ip] = quoted.GetValueOrDefault(ip) + 1;
                    }
                }
            }
            else if (Submission().Match(line) is { Success: true } submission)
            {
                if (submitted.Count < MaxQueueIds)
                {
                    submitted.Add(submission.Groups["qid"].Value);
                }
            }
            else if (QueuedFrom().Match(line) is { Success: true } from && submitted.Remove(from.Groups["qid"].Value))
            {
                var domain = from.Groups["domain"].Value;
                senders[domain] = senders.GetValueOrDefault(domain) + 1;
            }
        }
        var name = Path.GetFileName(path);
        foreach (var (ip, count) in quoted.OrderByDescending(q => q.Value).Take(4))
        {
            targets.AddAddress(ip, $"{name}: quoted in {count} refusal{(count == 1 ? "" : "s")}");
        }
        foreach (var (domain, count) in senders.OrderByDescending(s => s.Value).Take(maxDomains))
        {
            targets.AddDomain(domain, $"{name}: sender of {count} submitted message{(count == 1 ? "" : "s")}");
        }
    }

    private static IEnumerable<string> Lines(string path)
    {
        using var file = File.OpenRead(path);
        var first = new byte[2];
        var read = file.Read(first, 0, 2);
        file.Position = 0;
        Stream stream = read == 2 && first[0] == 0x1f && first[1] == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }
}
