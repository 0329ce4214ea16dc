namespace SpamTrace.Audit.Config;

/// <summary>An -o name=value override of one master.cf service, with the line it is on.</summary>
public sealed record ServiceOverride(string Name, string Value, int Line);

/// <summary>One master.cf service entry: the eight fields, the command's other arguments and its -o overrides.</summary>
public sealed record MasterService(string Name, string Type, string Private, string Unprivileged, string Chroot,
    string Wakeup, string MaxProcesses, string Command, IReadOnlyList<string> Arguments, IReadOnlyList<ServiceOverride> Overrides,
    string File, int Line)
{
    public string Location => $"{Path.GetFileName(File)}:{Line}";

    /// <summary>An smtpd that listens on the network (not the re-injection of a content filter on a unix socket).</summary>
    public bool IsInetSmtpd => Type == "inet" && Command == "smtpd";

    public bool IsPostscreen => Type == "inet" && Command == "postscreen";

    /// <summary>The TCP port: the part after the last ':' (or the whole name), service names resolved.</summary>
    public int? Port
    {
        get
        {
            var colon = Name.LastIndexOf(':');
            var port = colon >= 0 ? Name[(colon + 1)..] : Name;
            return port switch
            {
                "smtp" => 25,
                "submission" => 587,
                "smtps" or "submissions" or "ssmtp" => 465,
                _ => int.TryParse(port, out var p) ? p : null,
            };
        }
    }

    /// <summary>The host part of "127.0.0.1:10025", or null when the service listens on inet_interfaces.</summary>
    public string? Host
    {
        get
        {
            var colon = Name.LastIndexOf(':');
            return colon > 0 ? Name[..colon].Trim('[', ']') : null;
        }
    }

    public bool IsLoopbackOnly => Host is { } h && (h.StartsWith("127.", StringComparison.Ordinal) || h is "::1" or "localhost");

    public string? OverrideOf(string name) => Overrides.LastOrDefault(o => o.Name == name)?.Value;
}
