using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SpamTrace.Queue;
using SpamTrace.Tests.Queue;

namespace SpamTrace.Tests.Containment;

/// <summary>
/// Answers Postfix tool calls from captured real outputs (postqueue -j, postcat) and keeps the little state the
/// tools would change (queue names, main.cf values), recording every call with its stdin. The real behaviour is
/// proven separately against a real Postfix (RealPostfixTests); this checks our logic call by call.
/// </summary>
public sealed partial class FakePostfix : IProcessRunner
{
    private readonly List<JsonElement> _queue;
    private readonly Dictionary<string, string> _postcat = new(StringComparer.Ordinal);

    public List<(string Program, List<string> Arguments, string? Stdin)> Calls { get; } = [];
    public Dictionary<string, string> MainCf { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Defaults { get; } = new(StringComparer.Ordinal)
    {
        ["smtpd_relay_restrictions"] = "permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination",
        ["smtpd_recipient_restrictions"] = "",
        ["smtpd_client_restrictions"] = "",
        ["smtpd_helo_restrictions"] = "",
        ["smtpd_sender_restrictions"] = "",
        ["authorized_submit_users"] = "static:anyone",
        ["mynetworks"] = "127.0.0.0/8 10.0.0.0/8",
        ["default_database_type"] = "hash",
        ["config_directory"] = "/etc/postfix",
    };

    /// <summary>Behave like Postfix before 3.1: no postqueue -j, only the mailq text (captured from the same queue).</summary>
    public bool OldPostfix { get; set; }

    /// <summary>IDs that vanish (delivered) right before the next postsuper or postcat call.</summary>
    public HashSet<string> LeaveBeforeNextAction { get; } = new(StringComparer.Ordinal);

    public FakePostfix()
    {
        _queue = QueueFixtures.Read("postqueue-j.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        foreach (Match section in Section().Matches(QueueFixtures.Read("postcat-all.txt")))
        {
            _postcat[section.Groups["id"].Value] = section.Value;
        }
    }

    public IEnumerable<string> Ids => _queue.Select(e => e.GetProperty("queue_id").GetString()!);

    public string QueueOf(string id) => _queue.First(e => e.GetProperty("queue_id").GetString() == id).GetProperty("queue_name").GetString()!;

    public string IdOfSender(string sender) => _queue.First(e => e.GetProperty("sender").GetString() == sender).GetProperty("queue_id").GetString()!;

    public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? standardInput = null)
    {
        var args = arguments.ToList();
        Calls.Add((program, args, standardInput));
        if (args.Count >= 2 && args[0] == "-c") { args = args.Skip(2).ToList(); }
        switch (program)
        {
            case "postqueue" when OldPostfix && args.SequenceEqual(["-j"]):
                return new ProcessResult(64, "", "postqueue: invalid option -- 'j'\npostqueue: fatal: usage: postqueue -f | postqueue -p | postqueue -s site\n");
            case "postqueue" when OldPostfix && args.SequenceEqual(["-p"]):
                return new ProcessResult(0, QueueFixtures.Read("postqueue-p.txt"), "");
            case "postqueue" when args.SequenceEqual(["-j"]):
                return new ProcessResult(0, string.Join("\n", _queue.Select(e => e.GetRawText())) + "\n", "");
            case "postcat":
                {
                    Leave();
                    var output = new StringBuilder();
                    foreach (var id in args.Skip(1))
                    {
                        if (!_postcat.TryGetValue(id, out var text) || !Ids.Contains(id))
                        {
                            return new ProcessResult(1, output.ToString(), $"postcat: fatal: open queue file {id}: No such file or directory\n");
                        }
                        output.Append(text);
                    }
                    return new ProcessResult(0, output.ToString(), "");
                }
            case "postsuper":
                return Postsuper(args[0], standardInput ?? "");
            case "postconf":
                return Postconf(args);
            case "postmap":
            case "postfix":
            case "/usr/local/bin/spamtrace":
                return new ProcessResult(0, "", "");
            default:
                return new ProcessResult(127, "", $"{program}: not simulated");
        }
    }

    public T RunStreaming<T>(string program, IReadOnlyList<string> arguments, Func<Stream, T> consume, out ProcessResult result)
    {
        result = Run(program, arguments);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(result.StandardOutput));
        return consume(stream);
    }

    private void Leave()
    {
        _queue.RemoveAll(e => LeaveBeforeNextAction.Contains(e.GetProperty("queue_id").GetString()!));
        LeaveBeforeNextAction.Clear();
    }

    private ProcessResult Postsuper(string flag, string stdin)
    {
        Leave();
        var count = 0;
        foreach (var id in stdin.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var index = _queue.FindIndex(e => e.GetProperty("queue_id").GetString() == id);
            if (index < 0) { continue; }
            var held = _queue[index].GetProperty("queue_name").GetString() == "hold";
            if (flag == "-d") { _queue.RemoveAt(index); count++; continue; }
            if (flag == "-h" && held || flag == "-H" && !held) { continue; }
            var target = flag == "-h" ? "hold" : "deferred";
            var json = _queue[index].GetRawText().Replace($"\"queue_name\": \"{_queue[index].GetProperty("queue_name").GetString()}\"", $"\"queue_name\": \"{target}\"");
            _queue[index] = JsonDocument.Parse(json).RootElement.Clone();
            count++;
        }
        var verb = flag switch { "-h" => "Placed on hold", "-H" => "Released from hold", "-d" => "Deleted", _ => "Requeued" };
        return new ProcessResult(0, "", $"postsuper: {verb}: {count} message{(count == 1 ? "" : "s")}\n");
    }

    private ProcessResult Postconf(List<string> args)
    {
        if (args[0] == "-e")
        {
            var eq = args[1].IndexOf('=');
            MainCf[args[1][..eq].Trim()] = args[1][(eq + 1)..].Trim();
            return new ProcessResult(0, "", "");
        }
        if (args[0] == "-X") { MainCf.Remove(args[1]); return new ProcessResult(0, "", ""); }
        if (args[0] == "-P") { return new ProcessResult(0, "", ""); }
        if (args[0] == "-n")
        {
            return new ProcessResult(0, MainCf.TryGetValue(args[1], out var v) ? $"{args[1]} = {v}\n" : "", "");
        }
        var value = MainCf.TryGetValue(args[0], out var set) ? set : Defaults.GetValueOrDefault(args[0], "");
        return new ProcessResult(0, $"{args[0]} = {value}\n", "");
    }

    [GeneratedRegex(@"\*\*\* ENVELOPE RECORDS \S+/(?<id>[0-9A-Za-z]+) \*\*\*.*?\*\*\* MESSAGE FILE END \S+ \*\*\*\n", RegexOptions.Singleline)]
    private static partial Regex Section();
}
