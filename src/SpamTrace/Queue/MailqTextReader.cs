using System.Globalization;
using System.Text.RegularExpressions;

namespace SpamTrace.Queue;

/// <summary>
/// Reads the classic <c>mailq</c> / <c>postqueue -p</c> listing, the only one Postfix before 3.1 has (CentOS 6: 2.6):
/// a header line per message (ID with <c>*</c> when active or <c>!</c> when held, size, arrival time without a
/// year, sender), then the recipients, each group preceded by its parenthesised delay reason, then a blank line.
/// </summary>
public static partial class MailqTextReader
{
    [GeneratedRegex(@"^(?<id>[0-9A-Za-z]+)(?<mark>[*!]?)\s+(?<size>\d+)\s+(?<date>[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)\s+(?<sender>\S*)\s*$")]
    private static partial Regex HeaderLine();

    public static IEnumerable<QueuedMessage> Read(TextReader input, string source, QueueReadStatistics stats, DateTimeOffset now, string? instance = null)
    {
        long lineNumber = 0;
        string? id = null, mark = null, sender = null;
        long size = 0;
        DateTimeOffset arrival = default;
        string? reason = null;
        List<QueuedRecipient> recipients = [];

        QueuedMessage Finish()
        {
            var queue = mark == "*" ? "active" : mark == "!" ? "hold" : "deferred";
            var message = new QueuedMessage(queue, id!, arrival, size, sender!, recipients) { Instance = instance };
            id = null;
            reason = null;
            recipients = [];
            stats.Messages++;
            return message;
        }

        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            stats.Lines++;
            if (line.Length == 0)
            {
                if (id is not null)
                {
                    yield return Finish();
                }
                continue;
            }
            if (line.StartsWith("-Queue ID-", StringComparison.Ordinal) || line.StartsWith("-- ", StringComparison.Ordinal)
                || line.StartsWith("Mail queue is empty", StringComparison.Ordinal))
            {
                continue;
            }
            if (!char.IsWhiteSpace(line[0]) && line[0] != '(')
            {
                if (id is not null)
                {
                    yield return Finish(); // a listing cut without its blank separator
                }
                var match = HeaderLine().Match(line);
                if (!match.Success)
                {
                    stats.AddBadLine(source, lineNumber, "not a mailq message line");
                    continue;
                }
                id = match.Groups["id"].Value;
                mark = match.Groups["mark"].Value;
                size = long.Parse(match.Groups["size"].Value, CultureInfo.InvariantCulture);
                arrival = ParseArrival(match.Groups["date"].Value, now);
                sender = match.Groups["sender"].Value;
                if (sender == "MAILER-DAEMON")
                {
                    sender = ""; // showq's name for the null sender
                }
                continue;
            }
            var trimmed = line.Trim();
            if (id is null)
            {
                stats.AddBadLine(source, lineNumber, "recipient or reason outside a message");
                continue;
            }
            if (trimmed.StartsWith('(') && trimmed.EndsWith(')'))
            {
                reason = trimmed[1..^1];
            }
            else
            {
                recipients.Add(new QueuedRecipient(trimmed, reason));
            }
        }
        if (id is not null)
        {
            yield return Finish();
        }
    }

    /// <summary>
    /// showq prints no year: take the year (this one or the last) whose weekday matches and that is not in the
    /// future (a day of clock skew allowed); without a matching weekday, the latest such date.
    /// </summary>
    internal static DateTimeOffset ParseArrival(string text, DateTimeOffset now)
    {
        var normalized = Regex.Replace(text, " +", " ");
        DateTimeOffset? fallback = null;
        for (var year = now.Year; year >= now.Year - 1; year--)
        {
            if (DateTime.TryParseExact($"{normalized} {year}", "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var withWeekday) && ToLocal(withWeekday) <= now.AddDays(1))
            {
                return ToLocal(withWeekday);
            }
            if (fallback is null && DateTime.TryParseExact($"{normalized[4..]} {year}", "MMM d HH:mm:ss yyyy",
                    CultureInfo.InvariantCulture, DateTimeStyles.None, out var plain) && ToLocal(plain) <= now.AddDays(1))
            {
                fallback = ToLocal(plain);
            }
        }
        return fallback ?? now;
    }

    private static DateTimeOffset ToLocal(DateTime local) => new(local, TimeZoneInfo.Local.GetUtcOffset(local));
}
