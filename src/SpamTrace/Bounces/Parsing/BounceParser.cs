using MimeKit;
using MimeKit.Utils;
using SpamTrace.Bounces.Original;
using SpamTrace.Reputation;

namespace SpamTrace.Bounces.Parsing;

/// <summary>
/// Reads one message into a bounce report: RFC 3464 delivery-status and RFC 5965 feedback parts when present,
/// otherwise the failed recipients and diagnostic text an MTA writes in its own words; plus the returned original.
/// </summary>
public static class BounceParser
{
    private const int MaxRecipients = 1024;

    public static BounceReport Parse(Input.MailboxEntry entry)
    {
        var message = entry.Message;
        var parts = new PartsFound();
        Walk(message.Body, parts, depth: 0);
        var subject = message.Subject;
        var reporting = (string?)null;
        var recipients = new List<BounceRecipient>();
        var kind = BounceKind.NotBounce;

        if (parts.Feedback is not null)
        {
            kind = BounceKind.Feedback;
            recipients.AddRange(FeedbackRecipients(parts.Feedback, parts));
        }
        else if (parts.OriginalHeaders is not null && ComplaintSubjects.Any(p => (subject ?? "").Contains(p, StringComparison.OrdinalIgnoreCase)))
        {
            // Complaint loops that forward the reported message without a feedback-report part (Microsoft JMRP).
            kind = BounceKind.Feedback;
            recipients.AddRange(FeedbackRecipients("Feedback-Type: abuse\n", parts));
        }
        else if (parts.DeliveryStatus is not null)
        {
            var blocks = FieldBlocks.Parse(parts.DeliveryStatus);
            if (blocks.Count > 0 && !blocks[0].ContainsKey("Final-Recipient") && !blocks[0].ContainsKey("Original-Recipient"))
            {
                reporting = Strip(blocks[0].GetValueOrDefault("Reporting-MTA"));
            }
            foreach (var b in blocks)
            {
                if (recipients.Count >= MaxRecipients)
                {
                    break;
                }
                var address = Strip(b.GetValueOrDefault("Final-Recipient")) ?? Strip(b.GetValueOrDefault("Original-Recipient"));
                if (address is null)
                {
                    continue;
                }
                var action = b.GetValueOrDefault("Action")?.ToLowerInvariant();
                var status = b.GetValueOrDefault("Status")?.Split(' ', 2)[0];
                var diagnostic = Strip(b.GetValueOrDefault("Diagnostic-Code"));
                var diagnosticType = TypeOf(b.GetValueOrDefault("Diagnostic-Code"));
                DateTimeOffset? time = null;
                if (b.GetValueOrDefault("Last-Attempt-Date") is { } lad && DateUtils.TryParse(lad, out var t))
                {
                    time = t;
                }
                recipients.Add(Recipient(address, action, status, diagnostic, diagnosticType, Strip(b.GetValueOrDefault("Remote-MTA")), time, parts.BodyText));
            }
            kind = BounceKind.Bounce;
        }
        if (recipients.Count == 0 && kind != BounceKind.Feedback && LooksLikeBounce(message, parts.BodyText))
        {
            kind = BounceKind.Bounce;
            recipients.AddRange(TextRecipients(message, parts.BodyText));
        }

        if (kind == BounceKind.NotBounce && recipients.Count == 0 && IsAutoReply(message) && message.From.Mailboxes.FirstOrDefault() is { } away)
        {
            // An out-of-office answer is counted apart from bounces, but says who is away and why.
            recipients.Add(new BounceRecipient(away.Address, null, null, null, null, Trim(parts.BodyText), null, "vacation", null, null));
        }

        var originalHeaders = parts.OriginalHeaders ?? OriginalReader.FromQuotedText(parts.BodyText);
        var original = originalHeaders is null ? null : OriginalReader.FromHeaders(originalHeaders);
        DateTimeOffset? date = message.Date == DateTimeOffset.MinValue ? null : message.Date;
        return new BounceReport(entry.Name, kind, subject, reporting, date, recipients, original, kind == BounceKind.NotBounce ? BounceVerdict.NotBounce : BounceVerdict.Unknown);
    }

    private static BounceRecipient Recipient(string address, string? action, string? status, string? diagnostic, string? diagnosticType, string? remote, DateTimeOffset? time, string body)
    {
        var reply = ReplyCodeOf(diagnostic);
        var preferred = StatusPreference.Prefer(status, FirstStatus(diagnostic ?? ""), reply);
        var command = SmtpCommands.Find(diagnostic) ?? SmtpCommands.Find(TextAddresses.Around(body, address));
        var reason = Reason(new ReasonInput(action, preferred, diagnostic, diagnosticType, command, reply), body, out var provider);
        return new BounceRecipient(address, action, preferred, reply, remote, diagnostic, time, reason, provider ?? ReplyClassifier.GuessProvider(remote), null);
    }

    internal static string Reason(ReasonInput input, string body, out string? provider)
    {
        var verdict = ReplyClassifier.Classify(input.Status, input.Diagnostic);
        provider = verdict.Provider;
        if (input.Action is not ("delivered" or "relayed" or "expanded") && string.IsNullOrEmpty(input.Diagnostic)
            && ExpiryPhrases.Any(p => body.Contains(p, StringComparison.OrdinalIgnoreCase)))
        {
            return "expired";
        }
        var reason = ReasonRules.Decide(input);
        if (reason is "onhold" or "undefined" && verdict.Class != ReplyClass.Undefined)
        {
            // The reply table knows this text from the mail log: the bounce says the same.
            return verdict.Class.ToString().ToLowerInvariant();
        }
        return reason;
    }

    private static readonly string[] ExpiryPhrases =
    [
        "could not be delivered for", "delivery time expired", "retry timeout exceeded", "retry time not reached for any host",
        "message expired", "has been delayed for too long", "unable to deliver message after multiple retries",
        "was not delivered within", "too long in queue", "gave up after", "queue lifetime",
    ];

    private static IEnumerable<BounceRecipient> FeedbackRecipients(string report, PartsFound parts)
    {
        var blocks = FieldBlocks.Parse(report);
        var fields = blocks.FirstOrDefault() ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var type = fields.GetValueOrDefault("Feedback-Type")?.Trim().ToLowerInvariant();
        // Original-Rcpt-To repeats once per recipient: read every line, not the first of each name.
        var rcpts = new List<string>();
        foreach (var line in report.Split('\n'))
        {
            var colon = line.IndexOf(':');
            var name = colon > 0 ? line.AsSpan(0, colon).Trim() : default;
            if (name.Equals("Original-Rcpt-To", StringComparison.OrdinalIgnoreCase) || name.Equals("Removal-Recipient", StringComparison.OrdinalIgnoreCase))
            {
                var v = line[(colon + 1)..].Trim();
                if ((Strip(v) ?? v) is { Length: > 0 } address && !rcpts.Contains(address, StringComparer.OrdinalIgnoreCase))
                {
                    rcpts.Add(address);
                }
            }
        }
        if (rcpts.Count == 0 && parts.OriginalHeaders?[HeaderId.To] is { } to && InternetAddressList.TryParse(to, out var list))
        {
            rcpts.AddRange(list.Mailboxes.Select(m => m.Address));
        }
        if (rcpts.Count == 0)
        {
            rcpts.Add("");
        }
        DateTimeOffset? time = null;
        if (fields.GetValueOrDefault("Arrival-Date") is { } ad && DateUtils.TryParse(ad, out var t))
        {
            time = t;
        }
        var source = fields.GetValueOrDefault("Source-IP");
        return rcpts.Take(MaxRecipients).Select(r => new BounceRecipient(r, "failed", null, null, source, null, time, "feedback", ReplyClassifier.GuessProvider(fields.GetValueOrDefault("Reporting-MTA")), type));
    }

    private static bool LooksLikeBounce(MimeMessage message, string body)
    {
        if (message.Headers.Contains("X-Failed-Recipients"))
        {
            return true;
        }
        var from = message.From.Mailboxes.FirstOrDefault()?.Address ?? "";
        var subject = message.Subject ?? "";
        var fromDaemon = DaemonNames.Any(d => from.StartsWith(d, StringComparison.OrdinalIgnoreCase)) || (message.Headers["Return-Path"]?.Trim() == "<>");
        var subjectSays = BounceSubjects.Any(s => subject.Contains(s, StringComparison.OrdinalIgnoreCase));
        if (IsAutoReply(message) && !subjectSays)
        {
            return false;
        }
        return subjectSays || (fromDaemon && BodyPhrases.Any(p => body.Contains(p, StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>RFC 3834 auto-replies, and the out-of-office subjects of MUAs that do not mark them.</summary>
    private static bool IsAutoReply(MimeMessage message)
    {
        var auto = message.Headers["Auto-Submitted"];
        if ((auto is not null && auto.Contains("auto-replied", StringComparison.OrdinalIgnoreCase))
            || message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond"))
        {
            return true;
        }
        var subject = message.Subject ?? "";
        return AutoReplySubjects.Any(p => subject.StartsWith(p, StringComparison.OrdinalIgnoreCase));
    }

    private static readonly string[] ComplaintSubjects = ["complaint about message from"];

    private static readonly string[] AutoReplySubjects = ["automatic reply:", "auto reply:", "autoreply:", "auto-reply:", "out of office", "abwesenheitsnotiz", "réponse automatique"];

    private static readonly string[] DaemonNames = ["mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon", "mdaemon", "bounce", "nobody", "root@", "double-bounce"];

    private static readonly string[] BounceSubjects =
    [
        "undeliver", "undelivered", "delivery status notification", "delivery failure", "delivery failed", "failure notice",
        "returned mail", "mail delivery", "non-delivery", "nondeliver", "not delivered", "could not be delivered",
        "delivery notification", "delivery problem", "message delivery", "rejected", "warning: could not send",
        "mail system error", "delivery report", "notice of delivery", "undeliverable", "mail failure", "error sending",
        "returned to sender", "delivery error", "failed delivery", "mail error",
    ];

    private static readonly string[] BodyPhrases =
    [
        "could not be delivered", "delivery has failed", "permanent error", "following address", "was not delivered",
        "undeliverable", "delivery to the following", "unable to deliver", "failed to deliver", "user unknown",
        "does not exist", "rejected", "returned to you", "delivery failed", "not be delivered",
    ];

    /// <summary>Recipients an MTA names in its own words: X-Failed-Recipients, else the addresses its text quotes.</summary>
    private static IEnumerable<BounceRecipient> TextRecipients(MimeMessage message, string body)
    {
        var addresses = new List<string>();
        if (message.Headers["X-Failed-Recipients"] is { } failed)
        {
            addresses.AddRange(failed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        var head = OriginalStart(body) is var cut and > 0 ? body[..cut] : body;
        if (addresses.Count == 0)
        {
            var exclude = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var m in message.From.Mailboxes.Concat(message.To.Mailboxes))
            {
                exclude.Add(m.Address);
            }
            foreach (var a in TextAddresses.Find(head))
            {
                if (!exclude.Contains(a) && !DaemonNames.Any(d => a.StartsWith(d, StringComparison.OrdinalIgnoreCase)) && !addresses.Contains(a, StringComparer.OrdinalIgnoreCase))
                {
                    addresses.Add(a);
                }
                if (addresses.Count >= MaxRecipients)
                {
                    break;
                }
            }
        }
        if (addresses.Count == 0)
        {
            addresses.Add("");
        }
        foreach (var a in addresses)
        {
            var around = a.Length == 0 ? head : TextAddresses.Around(head, a);
            var status = FirstStatus(around) ?? FirstStatus(head);
            var reply = ReplyCodeOf(around);
            var reason = Reason(new ReasonInput("failed", status, around, null, SmtpCommands.Find(around), reply), head, out var provider);
            yield return new BounceRecipient(a, "failed", status, reply, null, Trim(around), null, reason, provider, null);
        }
    }

    private static string? FirstStatus(string text)
    {
        Span<EnhancedStatusCode> codes = stackalloc EnhancedStatusCode[1];
        return EnhancedStatusCode.FindAll(text, codes) > 0 && codes[0].Class is 4 or 5 ? codes[0].ToString() : null;
    }

    private static int OriginalStart(string body)
    {
        string[] markers = ["------ This is a copy of the message", "--- Below this line is a copy of the message", "Original message follows", "----- Original message -----", "------ Original message", "original message", "\nReceived: ", "Content-Type: message/rfc822"];
        var best = -1;
        foreach (var m in markers)
        {
            var at = body.IndexOf(m, StringComparison.OrdinalIgnoreCase);
            if (at > 0 && (best < 0 || at < best))
            {
                best = at;
            }
        }
        return best;
    }

    private static string? Trim(string text)
    {
        var t = System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ").Trim();
        return t.Length == 0 ? null : t.Length > 512 ? t[..512] : t;
    }

    private static string? ReplyCodeOf(string? diagnostic)
    {
        if (diagnostic is null)
        {
            return null;
        }
        var m = System.Text.RegularExpressions.Regex.Match(diagnostic, @"(?<![\d.])([45]\d\d)(?:[ -]|$)");
        return m.Success ? m.Groups[1].Value : null;
    }

    /// <summary>The type before the semicolon of "smtp; 550 ..." (upper case), or null.</summary>
    private static string? TypeOf(string? value)
    {
        var semi = value?.IndexOf(';') ?? -1;
        return semi is > 0 and < 16 ? value![..semi].Trim().ToUpperInvariant() : null;
    }

    /// <summary>"rfc822; user@example.com" and "dns; mx.example.com" lose their type; angle brackets go.</summary>
    private static string? Strip(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var semi = value.IndexOf(';');
        var v = (semi >= 0 && semi < 16 ? value[(semi + 1)..] : value).Trim().Trim('<', '>').Trim();
        return v.Length == 0 ? null : v;
    }

    private sealed class PartsFound
    {
        public string? DeliveryStatus;
        public string? Feedback;
        public HeaderList? OriginalHeaders;
        public string BodyText = "";
    }

    private static void Walk(MimeEntity? entity, PartsFound found, int depth)
    {
        if (entity is null || depth > 16)
        {
            return;
        }
        switch (entity)
        {
            case Multipart multipart:
                foreach (var child in multipart)
                {
                    Walk(child, found, depth + 1);
                }
                break;
            case MessagePart mp:
                found.OriginalHeaders ??= mp.Message?.Headers;
                break;
            case MimePart part:
                var type = part.ContentType;
                var media = type.MimeType.ToLowerInvariant();
                if (media is "message/delivery-status" or "message/global-delivery-status")
                {
                    found.DeliveryStatus ??= FieldBlocks.Text(part);
                }
                else if (media == "message/feedback-report")
                {
                    found.Feedback ??= FieldBlocks.Text(part);
                }
                else if (media is "text/rfc822-headers" or "text/global-headers" or "message/rfc822-headers")
                {
                    found.OriginalHeaders ??= OriginalReader.FromQuotedText("\n" + FieldBlocks.Text(part).Replace("\r", ""));
                }
                else if (part is TextPart text && (media == "text/plain" || (media == "text/html" && found.BodyText.Length == 0)) && found.BodyText.Length < 65536)
                {
                    var t = text.IsHtml ? StripTags(text.Text) : text.Text;
                    found.BodyText += t.Replace("\r", "") + "\n";
                }
                break;
        }
    }

    private static string StripTags(string html) => System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(html, "<[^>]*>", " "));
}
