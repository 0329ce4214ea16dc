using System.ComponentModel;
using System.Globalization;
using System.Net;
using SpamTrace.Audit.Config;
using SpamTrace.Audit.Findings;
using SpamTrace.Common;
using SpamTrace.Dns;
using SpamTrace.Dns.Discovery;
using SpamTrace.Dns.Resolving;
using SpamTrace.Queue;
using SpamTrace.Reports.Audit;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary><c>spamtrace audit dns</c>: SPF, DKIM, DMARC, PTR/HELO, blocklists and DNSWL for this server's domains and addresses.</summary>
public sealed class AuditDnsCommand : AsyncCommand<AuditDnsCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("-c|--config <DIR>")]
        [Description("Postfix config directory to discover domains, HELO and bound addresses from. Default /etc/postfix (with the live log and DKIM signer files).")]
        public string? Config { get; init; }

        [CommandOption("--no-config")]
        [Description("Discover nothing from a Postfix config: check only what the options name.")]
        public bool NoConfig { get; init; }

        [CommandOption("--log <FILE>")]
        [Description("Mail log(s) giving the outbound address quoted in refusals and the senders of submitted mail.")]
        public string[] Logs { get; init; } = [];

        [CommandOption("--domain <DOMAIN>")]
        [Description("Sending domain to check (repeatable; replaces discovered domains).")]
        public string[] Domains { get; init; } = [];

        [CommandOption("--ip <ADDRESS>")]
        [Description("Outbound IPv4/IPv6 address (repeatable; replaces discovered addresses).")]
        public string[] Addresses { get; init; } = [];

        [CommandOption("--helo <NAME>")]
        [Description("HELO name the server sends (replaces smtp_helo_name/myhostname).")]
        public string? Helo { get; init; }

        [CommandOption("--selector <SEL>")]
        [Description("DKIM selector: DOMAIN:SELECTOR[[:PRIVATE-KEY-FILE]], or SELECTOR for every domain (repeatable).")]
        public string[] Selectors { get; init; } = [];

        [CommandOption("--amavis <FILE>")]
        [Description("amavisd config with dkim_key() lines. Default: iRedMail's and Debian's paths, with the default config.")]
        public string[] Amavis { get; init; } = [];

        [CommandOption("--opendkim <FILE>")]
        [Description("opendkim.conf (its KeyTable is read).")]
        public string[] OpenDkim { get; init; } = [];

        [CommandOption("--rspamd <FILE>")]
        [Description("Rspamd dkim_signing.conf.")]
        public string[] Rspamd { get; init; } = [];

        [CommandOption("--resolver <HOST:PORT>")]
        [Description("DNS server to ask, HOST or HOST:PORT or [[IPv6]]:PORT (repeatable). Default: /etc/resolv.conf's. Use your own: Spamhaus refuses public resolvers.")]
        public string[] Resolvers { get; init; } = [];

        [CommandOption("--timeout <SECONDS>")]
        [Description("Per query attempt. Default 2.")]
        [DefaultValue(2.0)]
        public double Timeout { get; init; } = 2.0;

        [CommandOption("--json")]
        [Description("Print the report as JSON (spamtrace.audit/1).")]
        public bool Json { get; init; }

        [CommandOption("--html <FILE>")]
        [Description("Also write a self-contained HTML report.")]
        public string? Html { get; init; }

        [CommandOption("--fail-on <SEVERITY>")]
        [Description("Exit 1 when a finding is at or above: info, low, medium, high, critical. Default medium.")]
        [DefaultValue("medium")]
        public string FailOn { get; init; } = "medium";

        public override ValidationResult Validate() =>
            AuditSeverities.Parse(FailOn) is null ? ValidationResult.Error($"--fail-on {FailOn}: must be info, low, medium, high or critical")
            : Timeout is <= 0 or > 60 ? ValidationResult.Error("--timeout must be more than 0 and at most 60 seconds")
            : NoConfig && Config is not null ? ValidationResult.Error("--config and --no-config exclude each other")
            : ValidationResult.Success();
    }

    /// <summary>Where the live system keeps its Postfix config and logs.</summary>
    internal const string DefaultConfigDirectory = "/etc/postfix";

    internal static readonly string[] DefaultLogs = ["/var/log/mail.log", "/var/log/maillog"];

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var unknown = context.Remaining.Parsed.Select(p => p.Key).Concat(context.Remaining.Raw).ToList();
        if (unknown.Count > 0)
        {
            throw new UserFacingException($"unknown option or argument: {string.Join(" ", unknown)} (spamtrace audit dns --help)");
        }
        var failOn = AuditSeverities.Parse(settings.FailOn)!.Value;
        var options = DiscoveryOptions(settings);
        var targets = DnsDiscovery.Discover(options);
        using var resolver = new DnsClientResolver(new DnsResolverOptions
        {
            Servers = ParseResolvers(settings.Resolvers),
            Timeout = TimeSpan.FromSeconds(settings.Timeout),
        });
        var report = new AuditReport { Subject = $"DNS of {Subject(targets)} via {string.Join(", ", resolver.Servers)}" };
        DnsAuditResult result;
        try
        {
            result = await DnsAudit.AddToAsync(report, targets, new CachingResolver(resolver), cancellationToken);
        }
        catch (DnsUnavailableException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        report.Elapsed = result.Elapsed;
        report.Notes.Add($"{result.Queries} DNS queries in {result.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
        if (settings.Html is not null)
        {
            try
            {
                AtomicFile.Write(settings.Html, AuditHtmlWriter.Render(report));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new UserFacingException($"{settings.Html}: cannot write the HTML report: {ex.Message}");
            }
        }
        if (settings.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            AuditJsonWriter.Write(stdout, report, failOn);
        }
        else
        {
            new AuditTerminalRenderer(Consoles.Stdout()).Render(report);
        }
        return report.ExitCode(failOn);
    }

    internal static DnsDiscoveryOptions DiscoveryOptions(Settings settings)
    {
        var live = settings.Config is null && !settings.NoConfig && File.Exists(Path.Combine(DefaultConfigDirectory, "main.cf"));
        PostfixConfig? config = null;
        if (settings.Config is not null || live)
        {
            try
            {
                config = new PostfixConfigLoader(new ProcessRunner()).Load(settings.Config ?? DefaultConfigDirectory);
            }
            catch (ConfigException ex)
            {
                throw new UserFacingException(ex.Message);
            }
        }
        foreach (var file in settings.Logs.Concat(settings.Amavis).Concat(settings.OpenDkim).Concat(settings.Rspamd))
        {
            if (!File.Exists(file))
            {
                throw new UserFacingException($"{file}: not found");
            }
        }
        var addresses = new List<IPAddress>();
        foreach (var text in settings.Addresses)
        {
            addresses.Add(DomainNames.TryParseAddress(text, out var ip) ? ip : throw new UserFacingException($"--ip {text}: not an IPv4 or IPv6 address"));
        }
        foreach (var domain in settings.Domains.Append(settings.Helo).OfType<string>())
        {
            if (!DomainNames.IsQueryable(domain))
            {
                throw new UserFacingException($"{domain}: not a domain name");
            }
        }
        return new DnsDiscoveryOptions
        {
            Config = config,
            Logs = settings.Logs.Length > 0 ? settings.Logs : live ? DefaultLogs.Where(File.Exists).ToList() : [],
            AmavisFiles = settings.Amavis.Length > 0 ? settings.Amavis : live ? DkimDiscovery.AmavisFiles.Where(File.Exists).ToList() : [],
            OpenDkimFiles = settings.OpenDkim.Length > 0 ? settings.OpenDkim : live ? DkimDiscovery.OpenDkimFiles.Where(File.Exists).ToList() : [],
            RspamdFiles = settings.Rspamd.Length > 0 ? settings.Rspamd : live ? DkimDiscovery.RspamdFiles.Where(File.Exists).ToList() : [],
            Domains = settings.Domains,
            Addresses = addresses,
            Helo = settings.Helo,
            Selectors = settings.Selectors,
            UseRoute = live,
        };
    }

    private static List<IPEndPoint> ParseResolvers(string[] values)
    {
        try
        {
            return values.Select(ResolverEndpoint.Parse).ToList();
        }
        catch (DnsUnavailableException ex)
        {
            throw new UserFacingException(ex.Message);
        }
    }

    private static string Subject(DnsTargets targets)
    {
        var names = targets.Domains.Select(d => d.Value).Concat(targets.Addresses.Select(a => a.Value.ToString())).ToList();
        return names.Count == 0 ? "(nothing found)" : string.Join(", ", names);
    }
}
