using SpamTrace.Bounces.Input;
using SpamTrace.Bounces.Parsing;
using SpamTrace.Bounces.Verdict;

namespace SpamTrace.Bounces;

/// <summary>Read -> parse -> judge, one message at a time: the whole of what `spamtrace bounce` does before summarising.</summary>
public static class BounceReader
{
    public static IEnumerable<BounceReport> Read(IEnumerable<MailboxEntry> entries, OurServer server)
    {
        foreach (var entry in entries)
        {
            yield return BounceJudge.Judge(BounceParser.Parse(entry), entry.Message, server);
        }
    }
}
