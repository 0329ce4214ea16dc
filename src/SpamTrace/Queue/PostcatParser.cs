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
        var headers = new ReceivedChain();
        while (input.ReadLine() is { } line)
        {
            var match = line.StartsWith("*** ", StringComparison.Ordinal) ? SectionLine().Match(line) : Match.Empty;
            if (match.Success)
            {
                if (current is not null && section == "MESSAGE CONTENTS")
                {
                    headers.Finish(current);
                }
                section = match.Groups["section"].Value;
                var path = match.Groups["path"].Value;
                var id = path[(path.LastIndexOf('/') + 1)..];
                if (!result.TryGetValue(id, out current))
                {
                    current = new QueueFileAttributes(id);
                    result[id] = current;
                }
                headers = new ReceivedChain();
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
            else if (section == "MESSAGE CONTENTS")
            {
                headers.Add(line, current);
            }
        }
        if (current is not null && section == "MESSAGE CONTENTS")
        {
            headers.Finish(current);
        }
        return result;
    }

    /// <summary>
    /// Walks the Received headers from the top: hops from loopback (our own content filter re-injecting) are passed
    /// over; the first other one was written by our Postfix when the message came in. Its "from userid N" is the
    /// submitting uid. Anything below it came with the message and may be forged, so the walk stops there.
    /// </summary>
    private sealed class ReceivedChain
    {
        private readonly System.Text.StringBuilder _header = new();
        private bool _done;

        public void Add(string line, QueueFileAttributes file)
        {
            if (_done)
            {
                return;
            }
            if (line.Length > 0 && (line[0] == ' ' || line[0] == '\t'))
            {
                _header.Append(' ').Append(line.Trim());
                return;
            }
            Consider(file);
            if (line.Length == 0)
            {
                _done = true; // end of headers
                return;
            }
            _header.Clear().Append(line);
        }

        public void Finish(QueueFileAttributes file)
        {
            if (!_done)
            {
                Consider(file);
                _done = true;
            }
        }

        private void Consider(QueueFileAttributes file)
        {
            if (_header.Length == 0 || !_header.ToString().StartsWith("Received:", StringComparison.OrdinalIgnoreCase))
            {
                return; // other headers (X-Virus-Scanned...) may sit between Received lines
            }
            var text = _header.ToString();
            _header.Clear();
            if (PickupUid().Match(text) is { Success: true } uid)
            {
                file.Uid ??= int.Parse(uid.Groups["uid"].Value, CultureInfo.InvariantCulture);
                _done = true;
            }
            else if (!LoopbackHop().IsMatch(text))
            {
                _done = true;
            }
        }
    }

    [GeneratedRegex(@"^Received: from \S+ \((?:\S+ )?\[(?:127\.\d+\.\d+\.\d+|::1|IPv6:::1)\]\)", RegexOptions.IgnoreCase)]
    private static partial Regex LoopbackHop();

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
            else if (name.SequenceEqual("log_ident")) { attributes.LogIdent = value; }
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
