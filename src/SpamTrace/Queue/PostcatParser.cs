using System.Globalization;
using System.Text.RegularExpressions;

namespace SpamTrace.Queue;

/// <summary>
/// Parses <c>postcat -q ID...</c> output (one or several queue files) into <see cref="QueueFileAttributes"/>.
/// Only envelope records and the first header are read: the first header is the Received line Postfix itself
/// added, so a sender cannot forge the "from userid" it carries with headers of their own further down.
/// </summary>
public static partial class PostcatParser
{
    [GeneratedRegex(@"^\*\*\* (?<section>ENVELOPE RECORDS|MESSAGE CONTENTS|HEADER EXTRACTED|MESSAGE FILE END) (?<path>\S+) \*\*\*$")]
    private static partial Regex SectionLine();

    [GeneratedRegex(@"\(Postfix, from userid (?<uid>\d+)\)")]
    private static partial Regex PickupUid();

    public static Dictionary<string, QueueFileAttributes> Parse(TextReader input)
    {
        var result = new Dictionary<string, QueueFileAttributes>(StringComparer.Ordinal);
        QueueFileAttributes? current = null;
        string section = "";
        var firstHeaderLine = false;
        var inFirstHeader = false;
        while (input.ReadLine() is { } line)
        {
            var match = line.StartsWith("*** ", StringComparison.Ordinal) ? SectionLine().Match(line) : Match.Empty;
            if (match.Success)
            {
                section = match.Groups["section"].Value;
                var path = match.Groups["path"].Value;
                var id = path[(path.LastIndexOf('/') + 1)..];
                if (!result.TryGetValue(id, out current))
                {
                    current = new QueueFileAttributes(id);
                    result[id] = current;
                }
                firstHeaderLine = section == "MESSAGE CONTENTS";
                inFirstHeader = false;
                continue;
            }
            if (current is null)
            {
                continue;
            }
            if (section == "ENVELOPE RECORDS")
            {
                ReadEnvelopeRecord(line, current);
            }
            else if (section == "MESSAGE CONTENTS" && (firstHeaderLine || inFirstHeader))
            {
                var continuation = line.Length > 0 && (line[0] == ' ' || line[0] == '\t');
                if (firstHeaderLine)
                {
                    firstHeaderLine = false;
                    inFirstHeader = line.StartsWith("Received:", StringComparison.OrdinalIgnoreCase);
                }
                else if (!continuation)
                {
                    inFirstHeader = false;
                }
                if (inFirstHeader && current.Uid is null && PickupUid().Match(line) is { Success: true } uid)
                {
                    current.Uid = int.Parse(uid.Groups["uid"].Value, CultureInfo.InvariantCulture);
                }
            }
        }
        return result;
    }

    private static void ReadEnvelopeRecord(string line, QueueFileAttributes attributes)
    {
        const string named = "named_attribute: ";
        if (line.StartsWith(named, StringComparison.Ordinal))
        {
            var pair = line.AsSpan(named.Length);
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                return;
            }
            var name = pair[..eq];
            var value = pair[(eq + 1)..].ToString();
            if (name.SequenceEqual("sasl_username")) { attributes.SaslUsername = value; }
            else if (name.SequenceEqual("sasl_method")) { attributes.SaslMethod = value; }
            else if (name.SequenceEqual("client_address")) { attributes.ClientAddress = value; }
            else if (name.SequenceEqual("rewrite_context")) { attributes.RewriteContext = value; }
        }
        else if (line.StartsWith("sender: ", StringComparison.Ordinal))
        {
            attributes.Sender = line["sender: ".Length..];
        }
    }

    [GeneratedRegex(@"fatal: open queue file (?<id>[0-9A-Za-z]+): No such file")]
    private static partial Regex MissingQueueFile();

    /// <summary>The queue ID postcat stopped at because its file is gone (it left the queue), if that is why it failed.</summary>
    public static string? MissingQueueId(string stderr)
    {
        var match = MissingQueueFile().Match(stderr);
        return match.Success ? match.Groups["id"].Value : null;
    }
}
