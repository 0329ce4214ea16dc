namespace SpamTrace.Audit.Config;

/// <summary>
/// The effective configuration of one Postfix instance: raw values (built-in defaults, or postconf's, overlaid
/// with main.cf), where each explicit one is defined, the master.cf services, and expansion per service with its
/// -o overrides applied before expansion (as Postfix does: an override also changes every value that refers to it).
/// </summary>
public sealed class PostfixConfig
{
    private readonly Dictionary<string, string> raw;
    private readonly HostFacts host;

    internal PostfixConfig(string directory, Dictionary<string, string> raw, IReadOnlyDictionary<string, MainCfEntry> explicitEntries,
        IReadOnlyList<MasterService> services, HostFacts host, string source)
    {
        Directory = directory;
        this.raw = raw;
        Explicit = explicitEntries;
        Services = services;
        this.host = host;
        Source = source;
    }

    public string Directory { get; }
    /// <summary>"postconf 3.7.11" or "files (Postfix 3.7 defaults)".</summary>
    public string Source { get; }
    /// <summary>Parameters main.cf sets, with file and line.</summary>
    public IReadOnlyDictionary<string, MainCfEntry> Explicit { get; }
    public IReadOnlyList<MasterService> Services { get; }
    public string MainCfPath => Path.Combine(Directory, "main.cf");
    public string MasterCfPath => Path.Combine(Directory, "master.cf");

    public IEnumerable<string> Names => raw.Keys;

    /// <summary>The unexpanded value (main.cf's, else the default), or null for an unknown parameter.</summary>
    public string? Raw(string name, MasterService? service = null)
    {
        if (service?.OverrideOf(name) is { } o) { return o; }
        if (raw.TryGetValue(name, out var v)) { return v; }
        return null;
    }

    /// <summary>The value as postconf -x prints it (for a service: with its -o overrides).</summary>
    public string Get(string name, MasterService? service = null)
    {
        if (Lookup(name, service) is not { } v)
        {
            return "";
        }
        return Squeeze(ExpandedAtRuntime.Contains(name) ? v : Expander(service).Expand(v));
    }

    /// <summary>
    /// Parameters Postfix expands only when it uses them, with run-time names ($client_address, $home...): postconf -x
    /// prints them as written.
    /// </summary>
    public static readonly IReadOnlySet<string> ExpandedAtRuntime = new HashSet<string>(StringComparer.Ordinal)
    {
        "command_execution_directory", "default_rbl_reply", "forward_path", "luser_relay", "mailbox_command",
        "postscreen_expansion_filter", "postscreen_reject_footer", "smtpd_expansion_filter", "smtpd_reject_footer",
    };

    /// <summary>Runs of whitespace become one space, ends trimmed: how postconf -x prints a value.</summary>
    private static string Squeeze(string value)
    {
        var parts = value.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries);
        return string.Join(' ', parts);
    }

    public ParameterExpander Expander(MasterService? service = null) => new(n => Lookup(n, service));

    private string? Lookup(string name, MasterService? service)
    {
        var v = Raw(name, service);
        if (v is not null) { return v; }
        // Postfix builds the list with a space after each network, which shows when it is expanded inside another value.
        return name == "mynetworks" ? host.MyNetworks(Get("mynetworks_style", service)) + " " : null;
    }

    public bool IsExplicit(string name, MasterService? service = null) => service?.OverrideOf(name) is not null || Explicit.ContainsKey(name);

    /// <summary>Where a value comes from: "master.cf:NN submission -o", "main.cf:NN", or "default".</summary>
    public string WhereIs(string name, MasterService? service = null)
    {
        if (service is not null && service.Overrides.LastOrDefault(o => o.Name == name) is { } o)
        {
            return $"master.cf:{o.Line} {service.Name} -o {name}";
        }
        return Explicit.TryGetValue(name, out var e) ? $"{e.Location} {name}" : $"{name} (default)";
    }

    public int? LineOf(string name, MasterService? service = null) =>
        service?.Overrides.LastOrDefault(o => o.Name == name)?.Line ?? (Explicit.TryGetValue(name, out var e) ? e.Line : null);

    public string FileOf(string name, MasterService? service = null) =>
        service?.Overrides.Any(o => o.Name == name) == true ? "master.cf" : "main.cf";

    /// <summary>Lists (restrictions, maps) split as Postfix does: on commas and whitespace, keeping { } groups whole.</summary>
    public static List<string> Items(string value)
    {
        var items = new List<string>();
        var i = 0;
        while (i < value.Length)
        {
            if (char.IsWhiteSpace(value[i]) || value[i] == ',') { i++; continue; }
            var s = i;
            if (value[i] == '{')
            {
                var depth = 0;
                for (; i < value.Length; i++)
                {
                    if (value[i] == '{') { depth++; }
                    else if (value[i] == '}' && --depth == 0) { i++; break; }
                }
                items.Add(value[s..Math.Min(i, value.Length)]);
                continue;
            }
            while (i < value.Length && !char.IsWhiteSpace(value[i]) && value[i] != ',') { i++; }
            items.Add(value[s..i]);
        }
        return items;
    }

    public bool Bool(string name, MasterService? service = null) => Get(name, service).Trim().Equals("yes", StringComparison.OrdinalIgnoreCase);
}
