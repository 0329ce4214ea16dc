using System.Globalization;
using System.Text.RegularExpressions;

namespace SpamTrace.Queue;

/// <summary>
/// Who submitted each queue ID, from the mail log: smtpd's "ID: client=..., sasl_method=..., sasl_username=USER" and
/// pickup's "ID: uid=N from=&lt;...&gt;". Needed behind a content filter (amavis): the copy waiting in the queue was
/// re-injected over SMTP from 127.0.0.1 and its queue file has no sasl_username and no pickup header, only
/// <c>log_ident</c> = the first queue ID, which these lines name.
/// </summary>
public sealed partial class SubmissionLogIndex
{
    private readonly Dictionary<string, string> _saslUsers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _uids = new(StringComparer.Ordinal);

    [GeneratedRegex(@"\]: (?<id>[0-9A-Za-z]{5,}): client=[^,\s]+(?:, [a-z_]+=[^,]*)*?, sasl_username=(?<user>[^,\s]+)")]
    private static partial Regex SaslLine();

    [GeneratedRegex(@"/pickup\[\d+\]: (?<id>[0-9A-Za-z]{5,}): uid=(?<uid>\d+) from=<")]
    private static partial Regex PickupLine();

    public int Count => _saslUsers.Count + _uids.Count;
    public List<string> Sources { get; } = [];

    public void AddLine(string line)
    {
        if (line.Contains("sasl_username=", StringComparison.Ordinal))
        {
            var match = SaslLine().Match(line);
            if (match.Success)
            {
                _saslUsers[match.Groups["id"].Value] = match.Groups["user"].Value;
            }
        }
        else if (line.Contains(": uid=", StringComparison.Ordinal))
        {
            var match = PickupLine().Match(line);
            if (match.Success)
            {
                _uids[match.Groups["id"].Value] = int.Parse(match.Groups["uid"].Value, CultureInfo.InvariantCulture);
            }
        }
    }

    public void AddFile(string path)
    {
        foreach (var line in File.ReadLines(path))
        {
            AddLine(line);
        }
        Sources.Add(path);
    }

    /// <summary>Fills the SASL login or uid a queue file lacks from its own ID's or its first ID's (log_ident) log lines.</summary>
    public void Complete(QueueFileAttributes file)
    {
        foreach (var id in new[] { file.QueueId, file.LogIdent })
        {
            if (id is null) { continue; }
            if (file.SaslUsername is null && _saslUsers.TryGetValue(id, out var user))
            {
                file.SaslUsername = user;
                file.FromLog = true;
            }
            if (file.Uid is null && file.SaslUsername is null && _uids.TryGetValue(id, out var uid))
            {
                file.Uid = uid;
                file.FromLog = true;
            }
        }
    }

    /// <summary>
    /// The current mail log of an instance: its maillog_file when set, else the usual syslog files. Rotated files are
    /// left out: mail still queued was mostly submitted recently, and reading gigabytes of history would cost more.
    /// </summary>
    public static List<string> DefaultLogs(PostfixInstance instance)
    {
        var logs = new List<string>();
        try
        {
            var maillog = instance.PostconfEffective("maillog_file");
            if (maillog.Length > 0 && File.Exists(maillog)) { logs.Add(maillog); }
        }
        catch (IOException)
        {
            // postconf unavailable: fall back to syslog files
        }
        if (logs.Count == 0)
        {
            logs.AddRange(new[] { "/var/log/mail.log", "/var/log/maillog" }.Where(File.Exists));
        }
        return logs;
    }
}
