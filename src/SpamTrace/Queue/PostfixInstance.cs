using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace SpamTrace.Queue;

/// <summary>
/// One Postfix instance, addressed by its config directory (null: the default one), and the tool calls we make on
/// it. Every call goes through <see cref="IProcessRunner"/>; queue IDs are passed to postsuper on stdin, one per
/// line, exactly as listed, so nothing but the chosen messages can be touched.
/// </summary>
public sealed partial class PostfixInstance(IProcessRunner runner, string? configDirectory = null)
{
    /// <summary>postcat IDs per call: keeps argument lists short and progress regular.</summary>
    public const int PostcatBatchSize = 200;

    public string? ConfigDirectory { get; } = configDirectory;
    public IProcessRunner Runner { get; } = runner;

    /// <summary>Label for output: the config directory or "default".</summary>
    public string Name => ConfigDirectory ?? "default";

    /// <summary>Which listing was used: "postqueue -j" or "postqueue -p" (Postfix before 3.1).</summary>
    public string? ListingFormat { get; private set; }

    public List<string> Args(params string[] rest)
    {
        var list = new List<string>();
        if (ConfigDirectory is not null)
        {
            list.Add("-c");
            list.Add(ConfigDirectory);
        }
        list.AddRange(rest);
        return list;
    }

    /// <summary>The exact command line, for plans and journals (shell-quoted only for display).</summary>
    public string Display(string program, params string[] rest) => string.Join(' ', new[] { program }.Concat(Args(rest)).Select(ShellQuote));

    public static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "@%+=:,./_-".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";

    /// <summary>Streams the queue to <paramref name="onMessage"/>: postqueue -j, or the mailq text when -j is unknown.</summary>
    public void ListQueue(Action<QueuedMessage> onMessage, QueueReadStatistics stats)
    {
        Runner.RunStreaming("postqueue", Args("-j"), stream =>
        {
            foreach (var message in PostqueueJsonReader.Read(stream, $"postqueue -j ({Name})", stats, ConfigDirectory))
            {
                onMessage(message);
            }
            return 0;
        }, out var result);
        if (result.ExitCode == 0)
        {
            ListingFormat = "postqueue -j";
            return;
        }
        if (!UnknownOption().IsMatch(result.StandardError))
        {
            throw new QueueToolException($"{Display("postqueue", "-j")}: exit {result.ExitCode}: {FirstLine(result.StandardError)}");
        }
        // Postfix before 3.1 has no JSON listing.
        var text = Runner.Run("postqueue", Args("-p"));
        if (text.ExitCode != 0)
        {
            throw new QueueToolException($"{Display("postqueue", "-p")}: exit {text.ExitCode}: {FirstLine(text.StandardError)}");
        }
        ListingFormat = "postqueue -p";
        using var reader = new StringReader(text.StandardOutput);
        foreach (var message in MailqTextReader.Read(reader, $"postqueue -p ({Name})", stats, DateTimeOffset.Now, ConfigDirectory))
        {
            onMessage(message);
        }
    }

    public List<QueuedMessage> ListQueue(QueueReadStatistics stats)
    {
        var list = new List<QueuedMessage>();
        ListQueue(list.Add, stats);
        return list;
    }

    /// <summary>
    /// Reads the queue files of <paramref name="queueIds"/> with postcat, in batches. postcat stops at the first
    /// file that is gone: that ID goes to <paramref name="gone"/> and the rest of the batch is read again.
    /// </summary>
    public Dictionary<string, QueueFileAttributes> ReadQueueFiles(IEnumerable<string> queueIds, ISet<string> gone, Action<int>? progress = null)
    {
        var result = new Dictionary<string, QueueFileAttributes>(StringComparer.Ordinal);
        foreach (var batch in queueIds.Chunk(PostcatBatchSize))
        {
            var pending = batch.ToList();
            while (pending.Count > 0)
            {
                var run = Runner.Run("postcat", Args(["-q", .. pending]));
                using (var reader = new StringReader(run.StandardOutput))
                {
                    foreach (var (id, attributes) in PostcatParser.Parse(reader))
                    {
                        result[id] = attributes;
                    }
                }
                if (run.ExitCode == 0)
                {
                    break;
                }
                var missing = PostcatParser.MissingQueueId(run.StandardError);
                var at = missing is null ? -1 : pending.IndexOf(missing);
                if (at < 0)
                {
                    throw new QueueToolException($"{Display("postcat", "-q", pending[0], "...")}: exit {run.ExitCode}: {FirstLine(run.StandardError)}");
                }
                gone.Add(missing!);
                pending = pending.Skip(at + 1).Where(id => !result.ContainsKey(id)).ToList();
            }
            progress?.Invoke(batch.Length);
        }
        return result;
    }

    /// <summary>
    /// Runs <c>postsuper FLAG -</c> with exactly these IDs on stdin and returns the count postsuper reports
    /// ("Placed on hold: 3 messages"). Which IDs it really touched is checked by listing the queue again.
    /// </summary>
    public int Postsuper(string flag, IReadOnlyCollection<string> queueIds)
    {
        if (queueIds.Count == 0)
        {
            return 0;
        }
        foreach (var id in queueIds)
        {
            if (!IsQueueId(id))
            {
                throw new QueueToolException($"refusing to pass '{id}' to postsuper: not a queue ID");
            }
        }
        var stdin = new StringBuilder();
        foreach (var id in queueIds)
        {
            stdin.Append(id).Append('\n');
        }
        var run = Runner.Run("postsuper", Args(flag, "-"), stdin.ToString());
        if (run.ExitCode != 0)
        {
            throw new QueueToolException($"{Display("postsuper", flag, "-")}: exit {run.ExitCode}: {FirstLine(run.StandardError)}");
        }
        var counted = PostsuperCount().Matches(run.StandardError);
        return counted.Sum(m => int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The value of a main.cf parameter as set explicitly (postconf -n), or null when it is at its default.</summary>
    public string? PostconfExplicit(string parameter)
    {
        var run = Runner.Run("postconf", Args("-n", parameter));
        if (run.ExitCode != 0)
        {
            return null; // postconf -n prints nothing and may warn for a parameter left at default
        }
        return ParseValue(run.StandardOutput, parameter);
    }

    /// <summary>The effective value (default or explicit).</summary>
    public string PostconfEffective(string parameter)
    {
        var run = Runner.Run("postconf", Args(parameter));
        if (run.ExitCode != 0)
        {
            throw new QueueToolException($"{Display("postconf", parameter)}: exit {run.ExitCode}: {FirstLine(run.StandardError)}");
        }
        return ParseValue(run.StandardOutput, parameter) ?? "";
    }

    public string ConfigDirectoryEffective => ConfigDirectory ?? PostconfEffective("config_directory");

    public void PostconfSet(string parameter, string value) => Check(Runner.Run("postconf", Args("-e", $"{parameter} = {value}")), "postconf", "-e");

    public void PostconfRemove(string parameter) => Check(Runner.Run("postconf", Args("-X", parameter)), "postconf", "-X");

    public void Postmap(string map) => Check(Runner.Run("postmap", Args(map)), "postmap", map);

    public void Reload() => Check(Runner.Run("postfix", Args("reload")), "postfix", "reload");

    private void Check(ProcessResult run, string program, params string[] rest)
    {
        if (run.ExitCode != 0)
        {
            throw new QueueToolException($"{Display(program, rest)}: exit {run.ExitCode}: {FirstLine(run.StandardError)}");
        }
    }

    private static string? ParseValue(string output, string parameter)
    {
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith(parameter, StringComparison.Ordinal))
            {
                var rest = line[parameter.Length..].TrimStart();
                if (rest.StartsWith('='))
                {
                    return rest[1..].Trim();
                }
            }
        }
        return null;
    }

    public static bool IsQueueId(string id) => id.Length is > 4 and < 32 && id.All(char.IsAsciiLetterOrDigit);

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "(no message)";

    [GeneratedRegex(@"(invalid|illegal|unknown) option", RegexOptions.IgnoreCase)]
    private static partial Regex UnknownOption();

    [GeneratedRegex(@"(?:Placed on hold|Released from hold|Deleted|Requeued): (?<n>\d+) messages?")]
    private static partial Regex PostsuperCount();
}
