using System.ComponentModel;
using SpamTrace.Reports.WebScan;
using SpamTrace.WebScan;
using SpamTrace.WebScan.Discovery;
using SpamTrace.WebScan.Rules;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SpamTrace.Cli.Commands;

/// <summary><c>spamtrace webscan</c>: find the PHP that sends the spam (mailers, backdoors, droppers), ranked, explained.</summary>
public sealed class WebScanCommand : Command<WebScanCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "[DIR]")]
        [Description("Directories to scan. Default: the web roots of Apache, nginx and PHP-FPM configs, /var/www, /srv/www, /home/*/public_html.")]
        public string[] Directories { get; init; } = [];

        [CommandOption("--json")]
        [Description("Print the report as JSON (spamtrace.webscan/1).")]
        public bool Json { get; init; }

        [CommandOption("--threshold <POINTS>")]
        [Description("A file scoring this many points or more is flagged. Default 10.")]
        [DefaultValue(WebScanOptions.DefaultThreshold)]
        public int Threshold { get; init; } = WebScanOptions.DefaultThreshold;

        [CommandOption("--rules <FILE>")]
        [Description("Score with this rule file instead of the built-in one (same format as webscan-rules.tsv).")]
        public string? Rules { get; init; }

        [CommandOption("--top <N>")]
        [Description("Show at most N files on the terminal. Default 50.")]
        [DefaultValue(50)]
        public int Top { get; init; } = 50;

        [CommandOption("--threads <N>")]
        [Description("Scanning threads. Default: one per core.")]
        public int? Threads { get; init; }

        public override ValidationResult Validate() =>
            Threshold is < 1 or > 1000 ? ValidationResult.Error("--threshold must be from 1 to 1000")
            : Top < 1 ? ValidationResult.Error("--top must be at least 1")
            : Threads is < 1 ? ValidationResult.Error("--threads must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var unknown = context.Remaining.Parsed.Select(p => p.Key).Concat(context.Remaining.Raw).ToList();
        if (unknown.Count > 0)
        {
            throw new UserFacingException($"unknown option or argument: {string.Join(" ", unknown)} (spamtrace webscan --help)");
        }
        RuleSet rules;
        try
        {
            rules = settings.Rules is null ? RuleSet.Default : RuleSet.Load(settings.Rules);
        }
        catch (RuleFileException ex)
        {
            throw new UserFacingException(ex.Message);
        }
        var roots = Roots(settings.Directories);
        var report = new WebScanner(new WebScanOptions
        {
            Roots = roots,
            Rules = rules,
            Threshold = settings.Threshold,
            Threads = settings.Threads ?? Environment.ProcessorCount,
        }).Scan();
        if (settings.Json)
        {
            using var stdout = Console.OpenStandardOutput();
            WebScanJsonWriter.Write(stdout, report);
        }
        else
        {
            Consoles.Stdout().Profile.Out.Writer.Write(WebScanTerminalRenderer.Render(report, settings.Top));
        }
        return report.ExitCode;
    }

    internal static List<string> Roots(string[] directories)
    {
        if (directories.Length > 0)
        {
            foreach (var directory in directories)
            {
                if (!Directory.Exists(directory))
                {
                    throw new UserFacingException($"{Reports.TerminalText.Escape(directory)}: no such directory");
                }
            }
            return directories.Select(Path.GetFullPath).ToList();
        }
        var discovered = new WebRootDiscovery().Discover();
        if (discovered.Count == 0)
        {
            throw new UserFacingException("no web root found (Apache/nginx/PHP-FPM configs, /var/www, /srv/www, /home/*/public_html): name the directories to scan");
        }
        return discovered.Select(d => d.Root).ToList();
    }
}
