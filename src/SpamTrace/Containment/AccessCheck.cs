using SpamTrace.Queue;

namespace SpamTrace.Containment;

/// <summary>
/// The one way to refuse a SASL login (or a sender) everywhere, shared by diagnose's advice and <c>contain</c>: the
/// access map (the admin's own when one is wired in, else ours beside main.cf), the main.cf restriction list it is
/// first in, and every master.cf smtpd service whose <c>-o</c> override replaces that list with one that lets SASL
/// clients through: there the check must be added too, or the block does not apply to that service.
/// </summary>
public sealed class AccessCheck
{
    public const string SaslRestriction = "check_sasl_access";
    public const string SaslMapFile = "spamtrace_sasl_access";
    public const string SenderRestriction = "check_sender_access";
    public const string SenderMapFile = "spamtrace_sender_access";

    public required string Restriction { get; init; }
    /// <summary>The instance's config directory as given (-c DIR in printed commands), null for the default one.</summary>
    public string? ConfigDirectory { get; init; }
    public required string MapType { get; init; }
    public required string MapPath { get; init; }
    public string Map => $"{MapType}:{MapPath}";

    /// <summary>The main.cf list the check is in, or goes first in: smtpd_relay_restrictions (Postfix 2.10+) unless it is empty.</summary>
    public required string Parameter { get; init; }
    /// <summary>Its value now; null when it was not read (the advice then builds it with $(postconf -hx ...)).</summary>
    public string? CurrentValue { get; init; }
    /// <summary>True when the map is already in main.cf's lists: nothing to wire there.</summary>
    public bool Wired { get; init; }

    /// <summary>The smtpd services of master.cf that were checked; null when master.cf could not be read.</summary>
    public IReadOnlyList<string>? ServicesChecked { get; init; }
    /// <summary>Services whose override of <see cref="Parameter"/> lets SASL clients through without the check.</summary>
    public IReadOnlyList<ServiceParameter> OverridesMissingCheck { get; init; } = [];
    public List<string> Warnings { get; init; } = [];

    /// <summary>main.cf's list with the check first.</summary>
    public string NewValue => $"{Restriction} {Map}, {CurrentValue}".TrimEnd(' ', ',');

    /// <summary>A service's overriding list with the check first, comma-separated as postconf -P needs.</summary>
    public string NewOverrideValue(ServiceParameter o) => MasterCfOverrides.CommaList($"{Restriction} {Map}, {o.Value}");

    /// <summary>What diagnose assumes when it cannot ask the server's postconf: the default instance of Postfix 2.10+.</summary>
    public static AccessCheck Assumed(string restriction = SaslRestriction, string mapFile = SaslMapFile) => new()
    {
        Restriction = restriction,
        MapType = "hash",
        MapPath = "/etc/postfix/" + mapFile,
        Parameter = "smtpd_relay_restrictions",
    };

    /// <summary>
    /// Reads the instance's lists and master.cf. <paramref name="pending"/> gives a main.cf value as earlier planned
    /// steps leave it (default: postconf's effective value).
    /// </summary>
    public static AccessCheck Read(PostfixInstance instance, string restriction, string mapFile, Func<string, string>? pending = null)
    {
        pending ??= instance.PostconfEffective;
        var lists = RestrictionLists.Parameters.ToDictionary(p => p, pending);
        var warnings = new List<string>();
        var wiredIn = RestrictionLists.Parameters.FirstOrDefault(p => RestrictionLists.MapOf(lists[p], restriction) is not null);
        var existing = wiredIn is null ? null : RestrictionLists.MapOf(lists[wiredIn], restriction);
        string type, path;
        if (existing is not null && RestrictionLists.SplitMap(existing) is { } usable)
        {
            (type, path) = usable;
        }
        else
        {
            if (existing is not null)
            {
                warnings.Add($"{wiredIn} already uses {restriction} {existing}, which is not a file we can edit; adding our own map in front of it");
            }
            type = instance.PostconfEffective("default_database_type");
            path = Path.Combine(instance.ConfigDirectoryEffective, mapFile);
        }
        var wired = existing is not null && RestrictionLists.SplitMap(existing) is not null;
        var parameter = wired ? wiredIn! : lists["smtpd_relay_restrictions"].Length > 0 ? "smtpd_relay_restrictions" : "smtpd_recipient_restrictions";

        IReadOnlyList<string>? services = null;
        var missing = new List<ServiceParameter>();
        try
        {
            var overrides = MasterCfOverrides.Read(instance);
            services = MasterCfOverrides.SmtpdServices(instance);
            foreach (var o in overrides.Where(o => o.Name == parameter && services.Contains(o.ServiceName)))
            {
                var tokens = RestrictionLists.Tokens(o.Value);
                // A list that admits no SASL client (a content filter's re-injection port) needs no login check.
                if (!tokens.Contains(restriction) && tokens.Contains("permit_sasl_authenticated"))
                {
                    missing.Add(o);
                }
            }
        }
        catch (ContainmentException e)
        {
            warnings.Add($"master.cf not checked: {e.Message}");
        }
        return new AccessCheck
        {
            Restriction = restriction,
            ConfigDirectory = instance.ConfigDirectory,
            MapType = type,
            MapPath = path,
            Parameter = parameter,
            CurrentValue = lists[parameter],
            Wired = wired,
            ServicesChecked = services,
            OverridesMissingCheck = missing,
            Warnings = warnings,
        };
    }

    /// <summary>A Postfix command line for this instance, each word shell-quoted.</summary>
    public string Display(string program, params string[] args) => new PostfixInstance(NoRunner.Instance, ConfigDirectory).Display(program, args);

    /// <summary>The commands that block <paramref name="key"/> everywhere, each with what it does: map, main.cf, master.cf, reload.</summary>
    public List<(string Title, string Command)> BlockCommands(string key, string action)
    {
        var add = $"printf '%s {action}\\n' {PostfixInstance.ShellQuote(key)} >> {PostfixInstance.ShellQuote(MapPath)}";
        var steps = new List<(string, string)>
        {
            ($"Block it now: a line in the {Restriction} map {MapPath}", MapType == "texthash" ? add : $"{add} && {Display("postmap", Map)}"),
        };
        if (!Wired)
        {
            steps.Add(CurrentValue is null
                ? ($"Put the check first in {Parameter} (once; skip if `postconf {Parameter}` already starts with it)",
                    $"postconf -e \"{Parameter} = {Restriction} {Map}, $(postconf -hx {Parameter})\"")
                : ($"Put the check first in {Parameter} (main.cf)", Display("postconf", "-e", $"{Parameter} = {NewValue}")));
        }
        foreach (var o in OverridesMissingCheck)
        {
            steps.Add(($"Add it to master.cf's {o.ServiceName} too: its -o {o.Name} replaces main.cf's", Display("postconf", "-P", $"{o.Key}={NewOverrideValue(o)}")));
        }
        steps.Add(("Apply", Display("postfix", "reload")));
        return steps;
    }

    /// <summary>Only for building command lines: nothing is run.</summary>
    private sealed class NoRunner : IProcessRunner
    {
        public static readonly NoRunner Instance = new();
        public ProcessResult Run(string program, IReadOnlyList<string> arguments, string? standardInput = null) => throw new InvalidOperationException("display only");
        public T RunStreaming<T>(string program, IReadOnlyList<string> arguments, Func<Stream, T> consume, out ProcessResult result) => throw new InvalidOperationException("display only");
    }

    /// <summary>For the advice: which services were checked and which need the check added.</summary>
    public string Coverage()
    {
        if (ServicesChecked is null)
        {
            return $"master.cf not checked here: on the server, postconf -P | grep /{Parameter} lists the services whose -o {Parameter} replaces main.cf's; each that has permit_sasl_authenticated needs '{Restriction} {Map}' first too (spamtrace contain does it)";
        }
        var names = ServicesChecked.Count == 0 ? "none" : string.Join(", ", ServicesChecked);
        var missing = OverridesMissingCheck.Count == 0
            ? $"none replaces {Parameter} without the check"
            : $"{string.Join(", ", OverridesMissingCheck.Select(o => o.ServiceName))} replace{(OverridesMissingCheck.Count == 1 ? "s" : "")} {Parameter} (-o): the check is added there too";
        return $"checked main.cf and master.cf's smtpd services {names}: {missing}";
    }
}
