using System.Text.Json;

namespace SpamTrace.Forensics;

/// <summary>One message of a `postqueue -j` snapshot, with the fields diagnose counts by.</summary>
public sealed record QueuedMessage(string QueueId, string QueueName, string Sender, DateTime? ArrivalUtc);

/// <summary>Reads a `postqueue -j` snapshot: one JSON object per line (Postfix 3.1+).</summary>
public static class QueueSnapshot
{
    public static List<QueuedMessage> Read(string path)
    {
        var list = new List<QueuedMessage>();
        long n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                var id = root.TryGetProperty("queue_id", out var q) ? q.GetString() : null;
                if (string.IsNullOrEmpty(id))
                {
                    throw new FormatException("no queue_id");
                }
                var name = root.TryGetProperty("queue_name", out var qn) ? qn.GetString() ?? "" : "";
                var sender = root.TryGetProperty("sender", out var s) ? s.GetString() ?? "" : "";
                DateTime? arrival = root.TryGetProperty("arrival_time", out var at) && at.TryGetInt64(out var secs)
                    ? DateTime.UnixEpoch.AddSeconds(secs) : null;
                list.Add(new QueuedMessage(id, name, sender, arrival));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}:{n}: not a postqueue -j line ({e.Message})");
            }
        }
        return list;
    }

    /// <summary>postqueue -j names the null sender of notifications "MAILER-DAEMON".</summary>
    public static bool IsNullSender(string sender) => sender.Length == 0 || sender == "MAILER-DAEMON";

    /// <summary>Counts, per culprit, the snapshot's messages it queued: by queue ID seen in the log, else by its envelope senders.</summary>
    public static void CountPerCulprit(Diagnosis diagnosis, IReadOnlyList<QueuedMessage> queue)
    {
        diagnosis.QueueTotal = queue.Count;
        foreach (var a in diagnosis.Origins.Where(o => o.IsCulprit))
        {
            var s = a.Stats;
            var bySender = a.Id.Kind != CulpritKind.Bounce && !s.Senders.Saturated;
            a.Queued = queue.LongCount(m =>
                s.OpenQueueIds.Contains(m.QueueId)
                || (a.Id.Kind == CulpritKind.Bounce && IsNullSender(m.Sender))
                || (bySender && m.Sender.Length > 0 && s.Senders.Contains(m.Sender)));
        }
    }
}
