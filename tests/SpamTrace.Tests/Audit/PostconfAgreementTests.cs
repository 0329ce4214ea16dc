using System.Text.RegularExpressions;
using SpamTrace.Audit.Config;
using SpamTrace.Queue;
using SpamTrace.Tests.Support;

namespace SpamTrace.Tests.Audit;

/// <summary>
/// Our reading of main.cf/master.cf (built-in 3.7 defaults, no postconf) against the real postconf -x on a temporary
/// copy of every corpus config: every parameter postconf prints must have the same expanded value.
/// </summary>
public class PostconfAgreementTests
{
    public static TheoryData<string> Configs() =>
    [
        "iredmail/0.9.0", "iredmail/0.9.9", "iredmail/postfix", "mailcow/data/conf/postfix", "docker-mailserver/target/postfix",
        "postconf-output-samples/iredmail-sample-configdir", "modoboa/modoboa_installer/scripts/files/postfix",
        "compat:0", "compat:1", "compat:2", "compat:3.6",
    ];

    [SkippableTheory]
    [MemberData(nameof(Configs))]
    public void Effective_values_agree_with_postconf_x(string config)
    {
        var corpus = SharedCorpora.Find("configs");
        Skip.If(corpus is null, "../shared/corpora/configs is absent");
        Skip.If(!PostconfInstalled(), "postconf is not installed (deps/audit.txt)");
        var dir = CopyConfig(corpus!, config);
        try
        {
            var ours = new PostfixConfigLoader(runner: null).Load(dir);
            var result = new ProcessRunner().Run("postconf", ["-c", dir, "-x"]);
            Assert.True(result.ExitCode == 0, result.StandardError);
            var theirs = PostfixConfigLoader.ParsePostconfOutput(result.StandardOutput);
            var transports = ours.Services.Select(s => s.Name + "_").ToList();
            var compared = 0;
            var mismatches = new List<string>();
            foreach (var (name, value) in theirs)
            {
                if (name is "process_id" or "debugger_command")
                {
                    continue; // the pid of the postconf process itself
                }
                if (ours.Raw(name) is null && name != "mynetworks")
                {
                    // Postfix derives <transport>_* parameters from master.cf service names; we do not model them.
                    if (!transports.Any(t => name.StartsWith(t, StringComparison.Ordinal)))
                    {
                        mismatches.Add($"{name}: missing (postconf: {value})");
                    }
                    continue;
                }
                compared++;
                var mine = ours.Get(name);
                if (mine != value)
                {
                    mismatches.Add($"{name}: ours '{mine}' postconf '{value}'");
                }
            }
            Assert.True(mismatches.Count == 0, $"{config}: {mismatches.Count} of {compared} differ:\n" + string.Join("\n", mismatches.Take(40)));
            Assert.True(compared > 700, $"only {compared} parameters compared");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static bool PostconfInstalled() =>
        Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(p => File.Exists(Path.Combine(p, "postconf"))) || File.Exists("/usr/sbin/postconf");

    /// <summary>main.cf and master.cf into a temporary directory; modoboa's templates get their placeholders filled.</summary>
    internal static string CopyConfig(string corpus, string config)
    {
        var dir = Directory.CreateTempSubdirectory("spamtrace-audit-").FullName;
        if (config.StartsWith("compat:", StringComparison.Ordinal))
        {
            File.WriteAllText(Path.Combine(dir, "main.cf"), $"compatibility_level = {config[7..]}\n");
            File.WriteAllText(Path.Combine(dir, "master.cf"), "");
            return dir;
        }
        var source = Path.Combine(corpus, config);
        foreach (var name in new[] { "main.cf", "master.cf" })
        {
            var path = Path.Combine(source, name);
            var text = File.Exists(path) ? File.ReadAllText(path) : File.Exists(path + ".tpl") ? FillTemplate(File.ReadAllText(path + ".tpl")) : "";
            // iRedMail's samples carry PH_* placeholders its installer fills; postconf refuses one as a process limit.
            text = text.Replace("PH_AMAVISD_MAX_SERVERS", "2", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir, name), text);
        }
        return dir;
    }

    private static string FillTemplate(string text)
    {
        text = Regex.Replace(text, @"(?m)^%\{\w+\}", "");
        return Regex.Replace(text, @"%\{(\w+)\}|%(\w+)", m => "tpl_" + (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value));
    }

}
