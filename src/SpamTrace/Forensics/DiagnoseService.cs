using SpamTrace.Logs;
using SpamTrace.Logs.Reading;
using SpamTrace.Reports.Diagnose;
using SpamTrace.ServerKnowledge;

namespace SpamTrace.Forensics;

/// <summary>diagnose as a library call: run the log engine with the diagnose observer, judge, plan actions, count the queue.</summary>
public static class DiagnoseService
{
    public static DiagnoseRun Run(IReadOnlyList<LogInput> inputs, LogEngineOptions options, UidNames uids, string? queueSnapshot, string? sourceNote,
        CancellationToken cancellationToken = default, ServerFacts? server = null)
    {
        var observer = new DiagnoseObserver(uids, server);
        var stats = LogEngine.Run(inputs, observer, options, cancellationToken);
        var diagnosis = Finish(observer, queueSnapshot is null ? null : QueueSnapshot.Read(queueSnapshot));
        return new DiagnoseRun(diagnosis, stats, sourceNote);
    }

    /// <summary>Judges what the observer gathered and attaches the actions (and queue counts) to each culprit.</summary>
    public static Diagnosis Finish(DiagnoseObserver observer, IReadOnlyList<QueuedMessage>? queue)
    {
        observer.SettlePendingNotices();
        var diagnosis = Detector.Judge(observer);
        foreach (var c in diagnosis.Culprits)
        {
            c.Actions = ActionPlanner.For(c);
        }
        if (queue is not null)
        {
            QueueSnapshot.CountPerCulprit(diagnosis, queue);
        }
        return diagnosis;
    }
}
