using System.Globalization;
using System.Text.Json;

namespace SpamTrace.Policy.Limits;

/// <summary>
/// Reads the JSON config (comments and trailing commas allowed). Unknown keys are errors, so a typo never silently
/// disables a limit; every error names the file and line.
/// </summary>
public sealed partial class PolicyConfigLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private readonly string _file;
    private readonly JsonLineMap _lines;
    private readonly List<string> _errors = [];
    private readonly string _postfixPrivateDir;

    private PolicyConfigLoader(string file, JsonLineMap lines, string postfixPrivateDir)
    {
        _file = file;
        _lines = lines;
        _postfixPrivateDir = postfixPrivateDir;
    }

    public static PolicyConfig Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PolicyConfigException([$"{path}: cannot read: {ex.Message}"]);
        }
        return Parse(bytes, path);
    }

    /// <summary>Reads a config from its bytes; <paramref name="file"/> names it in errors.</summary>
    /// <param name="utf8">The file's content.</param>
    /// <param name="file">The path errors name.</param>
    /// <param name="postfixPrivateDir">Where the default unix socket goes when it exists (<see cref="ListenerDefaults"/>).</param>
    public static PolicyConfig Parse(byte[] utf8, string file, string postfixPrivateDir = ListenerDefaults.PostfixPrivateDir)
    {
        JsonDocument document;
        JsonLineMap lines;
        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
            lines = JsonLineMap.Build(utf8, ReaderOptions);
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            throw new PolicyConfigException([$"{file}:{(ex.LineNumber ?? 0) + 1}: invalid JSON: {(cut > 0 ? message[..cut] : message)}"]);
        }
        using (document)
        {
            var loader = new PolicyConfigLoader(file, lines, postfixPrivateDir);
            var config = loader.Read(document.RootElement, file);
            if (loader._errors.Count > 0)
            {
                throw new PolicyConfigException(loader._errors);
            }
            return config;
        }
    }

    private void Error(string path, string message) => _errors.Add($"{_file}:{_lines.LineOf(path)}: {(path.Length > 0 ? path + ": " : "")}{message}");

    private PolicyConfig Read(JsonElement root, string file)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error("", "the config must be a JSON object");
            return new PolicyConfig();
        }
        Known(root, "", "listen", "store", "limits", "exempt", "containment", "senderLoginMap", "senderMismatchAction", "notify", "greylist");
        var listen = Object(root, "listen");
        var limits = new List<LimitRule>();
        if (root.TryGetProperty("limits", out var limitsElement))
        {
            if (limitsElement.ValueKind != JsonValueKind.Array)
            {
                Error("limits", "must be a list");
            }
            else
            {
                var i = 0;
                foreach (var item in limitsElement.EnumerateArray())
                {
                    var rule = ReadLimit(item, $"limits[{i}]");
                    if (rule is not null)
                    {
                        if (limits.Any(l => l.Name == rule.Name))
                        {
                            Error($"limits[{i}].name", $"duplicate limit name '{rule.Name}'");
                        }
                        limits.Add(rule);
                    }
                    i++;
                }
            }
        }
        var exempt = new Exemptions();
        foreach (var (entry, path) in Strings(root, "exempt", ""))
        {
            if (!exempt.TryAdd(entry))
            {
                Error(path, $"'{entry}' is not a username, address, @domain, IP address or network");
            }
        }
        Known(listen, "listen", "unix", "unixMode", "tcp", "admin", "metrics", "maxLineBytes", "maxRequestBytes", "idleTimeout", "requestTimeout", "maxConnections");
        var unixMode = String(listen, "listen.unixMode", "666");
        int mode = 0;
        if (unixMode.Length is < 3 or > 4 || unixMode.Any(c => c is < '0' or > '7'))
        {
            Error("listen.unixMode", "must be an octal mode like 660");
        }
        else
        {
            mode = Convert.ToInt32(unixMode, 8);
        }
        var tcp = OptionalString(listen, "listen.tcp");
        if (tcp is not null)
        {
            CheckEndpoint(tcp, "listen.tcp");
        }
        var metrics = OptionalString(listen, "listen.metrics");
        if (metrics is not null)
        {
            CheckEndpoint(metrics, "listen.metrics");
        }
        var (unix, listenTcp) = ListenerDefaults.Choose(OptionalString(listen, "listen.unix"), tcp, _postfixPrivateDir);
        var senderMap = OptionalString(root, "senderLoginMap");
        if (senderMap is not null)
        {
            senderMap = RelativeTo(file, senderMap);
            if (!File.Exists(senderMap))
            {
                Error("senderLoginMap", $"{senderMap}: not found");
            }
        }
        return new PolicyConfig
        {
            SourcePath = file,
            UnixSocket = unix,
            UnixSocketMode = mode,
            Tcp = listenTcp,
            AdminSocket = OptionalString(listen, "listen.admin"),
            Metrics = metrics,
            MaxLineBytes = Int(listen, "listen.maxLineBytes", 8192, 256, 1 << 20),
            MaxRequestBytes = Int(listen, "listen.maxRequestBytes", 65536, 1024, 16 << 20),
            IdleTimeout = DurationValue(listen, "listen.idleTimeout", TimeSpan.FromMinutes(10)),
            RequestTimeout = DurationValue(listen, "listen.requestTimeout", TimeSpan.FromSeconds(30)),
            MaxConnections = Int(listen, "listen.maxConnections", 20000, 1, 1_000_000),
            Store = ReadStore(Object(root, "store"), file),
            Limits = limits,
            Exempt = exempt,
            Containment = ReadContainment(Object(root, "containment")),
            SenderLoginMap = senderMap,
            SenderMismatchAction = Action(root, "senderMismatchAction", "REJECT", "Sender address not owned by the authenticated user"),
            Notify = ReadNotify(Object(root, "notify")),
            Greylist = ReadGreylist(Object(root, "greylist"), file),
        };
    }

    private LimitRule? ReadLimit(JsonElement item, string path)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            Error(path, "a limit must be an object");
            return null;
        }
        Known(item, path, "name", "key", "count", "windows", "max", "algorithm", "action", "overrides", "prefixV4", "prefixV6");
        var name = String(item, path + ".name", "");
        if (name.Length == 0)
        {
            Error(path, "a limit needs a \"name\"");
        }
        else if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            Error(path + ".name", "use letters, digits, - _ and . only");
        }
        var keyText = String(item, path + ".key", "sasl_username");
        LimitKey key;
        switch (keyText)
        {
            case "sasl_username": key = LimitKey.SaslUsername; break;
            case "sender": key = LimitKey.Sender; break;
            case "sender_domain": key = LimitKey.SenderDomain; break;
            case "client_address": key = LimitKey.ClientAddress; break;
            case "client_network": key = LimitKey.ClientNetwork; break;
            case "recipient_domain": key = LimitKey.RecipientDomain; break;
            default:
                Error(path + ".key", $"unknown key '{keyText}' (sasl_username, sender, sender_domain, client_address, client_network, recipient_domain)");
                key = LimitKey.SaslUsername;
                break;
        }
        var countText = String(item, path + ".count", "messages");
        LimitCount count;
        switch (countText)
        {
            case "messages": count = LimitCount.Messages; break;
            case "recipients": count = LimitCount.Recipients; break;
            case "recipients_per_message": count = LimitCount.RecipientsPerMessage; break;
            default:
                Error(path + ".count", $"unknown count '{countText}' (messages, recipients, recipients_per_message)");
                count = LimitCount.Messages;
                break;
        }
        if (key == LimitKey.RecipientDomain && count == LimitCount.Messages)
        {
            Error(path + ".count", "a recipient_domain limit counts recipients (each RCPT), not messages");
        }
        var algorithmText = String(item, path + ".algorithm", "sliding");
        var algorithm = algorithmText switch
        {
            "sliding" => LimitAlgorithm.Sliding,
            "bucket" => LimitAlgorithm.Bucket,
            _ => (LimitAlgorithm?)null,
        };
        if (algorithm is null)
        {
            Error(path + ".algorithm", $"unknown algorithm '{algorithmText}' (sliding, bucket)");
        }
        var windows = new List<LimitWindow>();
        var max = 0;
        var overrides = new Dictionary<string, IReadOnlyList<LimitWindow>>(StringComparer.OrdinalIgnoreCase);
        var maxOverrides = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        if (count == LimitCount.RecipientsPerMessage)
        {
            max = Int(item, path + ".max", 0, 1, 100_000);
            if (!item.TryGetProperty("max", out _))
            {
                Error(path, "a recipients_per_message limit needs \"max\"");
            }
            if (item.TryGetProperty("windows", out _))
            {
                Error(path + ".windows", "a recipients_per_message limit has \"max\", not windows");
            }
        }
        else
        {
            windows = Windows(item, path + ".windows", "windows");
            if (windows.Count == 0 && item.TryGetProperty("windows", out _) is false)
            {
                Error(path, "a limit needs \"windows\", like [\"100/1h\", \"500/1d\"]");
            }
            if (item.TryGetProperty("max", out _))
            {
                Error(path + ".max", "\"max\" is for recipients_per_message limits; use windows");
            }
        }
        if (item.TryGetProperty("overrides", out var ov))
        {
            if (ov.ValueKind != JsonValueKind.Object)
            {
                Error(path + ".overrides", "must be an object: key value -> windows (or max)");
            }
            else
            {
                foreach (var property in ov.EnumerateObject())
                {
                    var opath = $"{path}.overrides.{property.Name}";
                    if (count == LimitCount.RecipientsPerMessage)
                    {
                        if (property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var m) && m >= 0)
                        {
                            maxOverrides[property.Name] = m;
                        }
                        else
                        {
                            Error(opath, "must be a number of recipients");
                        }
                    }
                    else
                    {
                        overrides[property.Name] = Windows(ov, opath, property.Name);
                    }
                }
            }
        }
        var prefixV4 = Int(item, path + ".prefixV4", 24, 8, 32);
        var prefixV6 = Int(item, path + ".prefixV6", 64, 16, 128);
        return new LimitRule
        {
            Name = name,
            Key = key,
            Count = count,
            Algorithm = algorithm ?? LimitAlgorithm.Sliding,
            Windows = windows,
            MaxPerMessage = max,
            Action = Action(item, path + ".action", "DEFER", "Sending rate limit exceeded, try again later"),
            Overrides = overrides,
            MaxPerMessageOverrides = maxOverrides,
            PrefixV4 = prefixV4,
            PrefixV6 = prefixV6,
        };
    }

    private List<LimitWindow> Windows(JsonElement parent, string path, string property)
    {
        var result = new List<LimitWindow>();
        if (!parent.TryGetProperty(property, out var element))
        {
            return result;
        }
        if (element.ValueKind == JsonValueKind.String && element.GetString() == "unlimited")
        {
            return result;
        }
        if (element.ValueKind != JsonValueKind.Array)
        {
            Error(path, "must be a list of windows like [\"100/1h\"] or \"unlimited\"");
            return result;
        }
        var i = 0;
        foreach (var w in element.EnumerateArray())
        {
            var text = w.ValueKind == JsonValueKind.String ? w.GetString() ?? "" : w.ToString();
            if (LimitWindow.TryParse(text, out var window))
            {
                if (result.Any(r => r.Length == window.Length))
                {
                    Error($"{path}[{i}]", $"two windows of {Duration.Format(window.Length)}");
                }
                result.Add(window);
            }
            else
            {
                Error($"{path}[{i}]", $"'{text}' is not a window like 100/1h (units s, m, h, d)");
            }
            i++;
        }
        return result;
    }

    private StoreConfig ReadStore(JsonElement store, string file)
    {
        Known(store, "store", "type", "path", "flushInterval", "redis", "redisPrefix", "timeoutMs", "onError");
        var type = String(store, "store.type", "embedded");
        var kind = type switch
        {
            "embedded" => StoreKind.Embedded,
            "redis" => StoreKind.Redis,
            _ => (StoreKind?)null,
        };
        if (kind is null)
        {
            Error("store.type", $"unknown store '{type}' (embedded, redis)");
        }
        var path = OptionalString(store, "store.path");
        return new StoreConfig
        {
            Kind = kind ?? StoreKind.Embedded,
            Path = path is null ? null : RelativeTo(file, path),
            FlushInterval = DurationValue(store, "store.flushInterval", TimeSpan.FromSeconds(2)),
            Redis = String(store, "store.redis", "127.0.0.1:6379"),
            RedisPrefix = String(store, "store.redisPrefix", "spamtrace:"),
            Timeout = TimeSpan.FromMilliseconds(Int(store, "store.timeoutMs", 300, 10, 60_000)),
            OnError = Action(store, "store.onError", "DUNNO", ""),
        };
    }

    private ContainmentConfig ReadContainment(JsonElement c)
    {
        Known(c, "containment", "enabled", "window", "maxDistinctIps", "maxDistinctNetworks", "networkPrefixV4", "networkPrefixV6",
            "baselineMultiple", "baselineMinMessages", "maxLimitHits", "action");
        var multiple = 10.0;
        if (c.ValueKind == JsonValueKind.Object && c.TryGetProperty("baselineMultiple", out var bm))
        {
            if (!bm.TryGetDouble(out multiple) || multiple < 0)
            {
                Error("containment.baselineMultiple", "must be a number >= 0 (0 turns the rule off)");
            }
        }
        return new ContainmentConfig
        {
            Enabled = Bool(c, "containment.enabled", true),
            Window = DurationValue(c, "containment.window", TimeSpan.FromHours(1)),
            MaxDistinctIps = Int(c, "containment.maxDistinctIps", 10, 0, 1_000_000),
            MaxDistinctNetworks = Int(c, "containment.maxDistinctNetworks", 5, 0, 1_000_000),
            NetworkPrefixV4 = Int(c, "containment.networkPrefixV4", 16, 8, 32),
            NetworkPrefixV6 = Int(c, "containment.networkPrefixV6", 48, 16, 128),
            BaselineMultiple = multiple,
            BaselineMinMessages = Int(c, "containment.baselineMinMessages", 100, 1, 10_000_000),
            MaxLimitHits = Int(c, "containment.maxLimitHits", 20, 0, 1_000_000),
            Action = Action(c, "containment.action", "HOLD", "account contained by spamtrace: sending suspended pending review"),
        };
    }

    private NotifyConfig ReadNotify(JsonElement n)
    {
        Known(n, "notify", "emailTo", "emailFrom", "smtpHost", "smtpPort", "webhook");
        var webhook = OptionalString(n, "notify.webhook");
        if (webhook is not null && !(Uri.TryCreate(webhook, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
        {
            Error("notify.webhook", "must be an http:// or https:// URL");
        }
        return new NotifyConfig
        {
            EmailTo = OptionalString(n, "notify.emailTo"),
            EmailFrom = String(n, "notify.emailFrom", "spamtrace@localhost"),
            SmtpHost = String(n, "notify.smtpHost", "127.0.0.1"),
            SmtpPort = Int(n, "notify.smtpPort", 25, 1, 65535),
            Webhook = webhook,
        };
    }

    // ---- typed accessors: each records an error (with line) and returns the default on a wrong type ----

    private static string Leaf(string path) => path[(path.LastIndexOf('.') + 1)..];

    private void Known(JsonElement element, string path, params string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var property in element.EnumerateObject())
        {
            if (!names.Contains(property.Name))
            {
                var p = path.Length == 0 ? property.Name : $"{path}.{property.Name}";
                Error(p, $"unknown setting (known here: {string.Join(", ", names)})");
            }
        }
    }

    private JsonElement Object(JsonElement parent, string name)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var e))
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                return e;
            }
            Error(name, "must be an object");
        }
        return default;
    }

    private string? OptionalString(JsonElement parent, string path)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(Leaf(path), out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (e.ValueKind != JsonValueKind.String)
        {
            Error(path, "must be a string");
            return null;
        }
        return e.GetString();
    }

    private string String(JsonElement parent, string path, string fallback) => OptionalString(parent, path) ?? fallback;

    private int Int(JsonElement parent, string path, int fallback, int min, int max)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(Leaf(path), out var e))
        {
            return fallback;
        }
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var value) || value < min || value > max)
        {
            Error(path, $"must be a whole number from {min} to {max}");
            return fallback;
        }
        return value;
    }

    private bool Bool(JsonElement parent, string path, bool fallback)
    {
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(Leaf(path), out var e))
        {
            return fallback;
        }
        if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(path, "must be true or false");
            return fallback;
        }
        return e.GetBoolean();
    }

    private TimeSpan DurationValue(JsonElement parent, string path, TimeSpan fallback)
    {
        var text = OptionalString(parent, path);
        if (text is null)
        {
            return fallback;
        }
        if (!Duration.TryParse(text, out var d))
        {
            Error(path, $"'{text}' is not a duration like 30s, 5m, 1h, 1d");
            return fallback;
        }
        return d;
    }

    private PolicyAction Action(JsonElement parent, string path, string fallback, string defaultText)
    {
        var text = OptionalString(parent, path) ?? fallback;
        var action = PolicyAction.Parse(text, defaultText, out var error);
        if (error is not null)
        {
            Error(path, error);
        }
        return action;
    }

    private IEnumerable<(string Value, string Path)> Strings(JsonElement parent, string name, string parentPath)
    {
        var path = parentPath.Length == 0 ? name : $"{parentPath}.{name}";
        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var e))
        {
            yield break;
        }
        if (e.ValueKind != JsonValueKind.Array)
        {
            Error(path, "must be a list of strings");
            yield break;
        }
        var i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Error($"{path}[{i}]", "must be a string");
            }
            else
            {
                yield return (item.GetString()!, $"{path}[{i}]");
            }
            i++;
        }
    }

    private void CheckEndpoint(string text, string path)
    {
        if (!System.Net.IPEndPoint.TryParse(text, out var endpoint))
        {
            Error(path, $"'{text}' is not an address:port like 127.0.0.1:10040");
        }
    }

    private static string RelativeTo(string configFile, string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(configFile)) ?? ".", path));

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
