using SpamTrace.Reputation;

namespace SpamTrace.Queue;

/// <summary>Progress of a survey: what is being done and how far (total unknown while listing).</summary>
public readonly record struct SurveyProgress(string Stage, long Done, long? Total);

/// <summary>
/// <c>spamtrace queue</c> without the terminal: lists every instance's queue into one summarizer, then reads the
/// queue files of a sample (all of them when the queue is smaller than the sample) for logins and uids.
/// </summary>
public static class QueueSurvey
{
    public static QueueSummary Run(
        IReadOnlyList<PostfixInstance> instances,
        DateTimeOffset now,
        int sampleSize,
        Func<string?, string, ReplyVerdict>? classify = null,
        Action<SurveyProgress>? progress = null,
        Func<int, string?>? userName = null,
        SubmissionLogIndex? logs = null)
    {
        var summarizer = new QueueSummarizer(now, classify, sampleSize);
        var stats = new QueueReadStatistics();
        foreach (var instance in instances)
        {
            instance.ListQueue(message =>
            {
                summarizer.Add(message);
                if (progress is not null && (summarizer.Count & 0x3FF) == 0)
                {
                    progress(new SurveyProgress("listing", summarizer.Count, null));
                }
            }, stats);
        }
        progress?.Invoke(new SurveyProgress("listing", summarizer.Count, summarizer.Count));

        var files = new Dictionary<string, QueueFileAttributes>(StringComparer.Ordinal);
        var gone = new HashSet<string>(StringComparer.Ordinal);
        var sampled = summarizer.SampledMessages;
        long read = 0;
        foreach (var instance in instances)
        {
            var ids = sampled.Where(m => m.Instance == instance.ConfigDirectory).Select(m => m.QueueId);
            foreach (var (id, file) in instance.ReadQueueFiles(ids, gone, n =>
                     {
                         read += n;
                         progress?.Invoke(new SurveyProgress("reading queue files", read, sampled.Count));
                     }))
            {
                logs?.Complete(file);
                files[id] = file;
            }
        }
        summarizer.AddQueueFiles(files, gone.Count, userName);
        var summary = summarizer.Finish(stats);
        summary.Instances = instances.Select(i => i.Name).ToList();
        summary.ListingFormats = instances.Select(i => i.ListingFormat ?? "?").ToList();
        return summary;
    }
}
