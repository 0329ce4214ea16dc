using System.ComponentModel;
using System.Globalization;
using System.Net;
using SpamTrace.Audit.Findings;
using SpamTrace.Audit.Probe;
using SpamTrace.Reports;
using SpamTrace.Reports.Audit;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary><c>spamtrace audit relay [HOST[:PORT]]</c>: the 16 relay tricks of nmap's smtp-open-relay, stopping after RCPT.</summary>
public sealed class AuditRelayCommand : AsyncCommand<AuditRelayCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[TARGET]")]
        [Description("SMTP server to probe: HOST, HOST:PORT, [[IPv6]]:PORT. Default 127.0.0.1:25.")]
        public string? Target { get; init; }

        [CommandOption("--from <ADDR>")]
        [Description("Probe sender. Default antispam@ the --to domain.")]
        public string? From { get; init; }

        [CommandOption("--to <EXTERNAL>")]
        [Description("A recipient in a domain the server does not handle. Nothing is sent to it: the probe stops after RCPT. Default " + RelayProbeOptions.DefaultTo + ".")]
        public string? To { get; init; }

        [CommandOption("--xclient <ADDR>")]
        [Description("Client address to claim with XCLIENT when the server offers it, so that permit_mynetworks does not trust the probe; 'none' never uses XCLIENT. Default 192.0.2.10.")]
        public string? Xclient { get; init; }

        [CommandOption("--no-starttls")]
        [Description("Do not use STARTTLS even when the server offers it.")]
        public bool NoStartTls { get; init; }

        [CommandOption("--timeout <SECONDS>")]
        [Description("Per connect and per reply. Default 10.")]
        [DefaultValue(10.0)]
        public double Timeout { get; init; } = 10.0;

        [CommandOption("--json")]
        [Description("Print the report as JSON (spamtrace.audit/1, with the verdict in the relay.verdict section).")]
        public bool Json { get; init; }

        [CommandOption("--transcript")]
        [Description("Also print the SMTP dialogue (terminal output only).")]
        public bool Transcript { get; init; }

        public override ValidationResult Validate() =>
            Timeout is <= 0 or > 300 ? ValidationResult.Error("--timeout must be more than 0 and at most 300 seconds")
            : ValidationResult.Success();
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var unknown = context.Remaining.Parsed.Select(p => p.Key).Concat(context.Remaining.Raw).ToList();
        if (unknown.Count > 0)
        {
            throw new UserFacingException($"unknown option or argument: {string.Join(" ", unknown)} (spamtrace audit relay --help)");
        }
        var options = Options(settings);
        RelayProbeResult result;
        try
        {
            result = await RelayProbe.RunAsync(options, cancellationToken);
        }
        catch (SmtpProbeException ex)
        {
            throw new UserFacingException($"{options.Host}:{options.Port}: {TerminalText.Escape(ex.Message)}");
        }
        catch (ArgumentException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        var report = RelayProbeReport.Build(result);
        if (settings.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            AuditJsonWriter.Write(stdout, report, AuditSeverity.Critical);
        }
        else
        {
            var console = Consoles.Stdout();
            new AuditTerminalRenderer(console).Render(report);
            if (settings.Transcript)
            {
                console.WriteLine();
                foreach (var line in result.Transcript)
                {
                    console.MarkupLine(Markup.Escape(TerminalText.Escape(line)));
                }
            }
        }
        return RelayProbeReport.ExitCode(result);
    }

    internal static RelayProbeOptions Options(Settings settings)
    {
        var (host, port) = ParseTarget(settings.Target);
        IPAddress? xclient = RelayProbeOptions.DefaultXclientAddress;
        if (settings.Xclient is { } x)
        {
            xclient = x.Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                : IPAddress.TryParse(x, out var ip) ? ip
                : throw new UserFacingException($"--xclient {x}: not an IPv4 or IPv6 address (or 'none')");
        }
        foreach (var (option, value) in new[] { ("--from", settings.From), ("--to", settings.To) })
        {
            if (value is not null)
            {
                try
                {
                    RelayProbe.SplitAddress(value, option);
                }
                catch (ArgumentException ex)
                {
                    throw new UserFacingException(TerminalText.Escape(ex.Message));
                }
            }
        }
        return new RelayProbeOptions
        {
            Host = host,
            Port = port,
            From = settings.From,
            To = settings.To ?? RelayProbeOptions.DefaultTo,
            XclientAddress = xclient,
            Timeout = TimeSpan.FromSeconds(settings.Timeout),
            StartTls = !settings.NoStartTls,
        };
    }

    /// <summary>HOST, HOST:PORT, [IPv6], [IPv6]:PORT or a bare IPv6 address.</summary>
    internal static (string Host, int Port) ParseTarget(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (RelayProbeOptions.DefaultHost, RelayProbeOptions.DefaultPort);
        }
        string host;
        string? port = null;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close < text.Length - 1 && text[close + 1] != ':'))
            {
                throw new UserFacingException($"{TerminalText.Escape(text)}: not HOST[:PORT] ([IPv6]:PORT for IPv6)");
            }
            host = text[1..close];
            port = close < text.Length - 1 ? text[(close + 2)..] : null;
        }
        else if (text.Count(c => c == ':') > 1)
        {
            host = text;
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? text : text[..colon];
            port = colon < 0 ? null : text[(colon + 1)..];
        }
        var validHost = IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns;
        if (!validHost)
        {
            throw new UserFacingException($"{TerminalText.Escape(text)}: not a host name or address");
        }
        if (port is null)
        {
            return (host, RelayProbeOptions.DefaultPort);
        }
        return int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and < 65536
            ? (host, p)
            : throw new UserFacingException($"{TerminalText.Escape(text)}: port must be 1-65535");
    }
}
